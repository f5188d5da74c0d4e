// Demo users of the sandbox's OpenID provider: the clinicians of
// behavioral-health.mjs (same Practitioner ids) and an administrator.
//
// Each one signs in with their username and the password "demo". Their claims:
//   roles       ["clinician"] | ["supervisor"] | ["admin"]  (scope "roles")
//   supervisor  fhirUser of the clinician who co-signs their notes (pre-licensed only)
//   fhirUser    their FHIR Practitioner (SMART's fhirUser claim, scope "fhirUser")
export const DEMO_PASSWORD = 'demo';

export const DEMO_USERS = [
  { sub: 'rivera', given: 'Elena', family: 'Rivera', name: 'Dr. Elena Rivera', practitioner: 'pr-rivera', roles: ['supervisor'] },
  { sub: 'chen', given: 'Mei', family: 'Chen', name: 'Mei Chen', practitioner: 'pr-chen', roles: ['clinician'] },
  { sub: 'okafor', given: 'Samuel', family: 'Okafor', name: 'Samuel Okafor', practitioner: 'pr-okafor', roles: ['clinician'] },
  { sub: 'patel', given: 'Arjun', family: 'Patel', name: 'Arjun Patel', practitioner: 'pr-patel', roles: ['clinician'], supervisor: 'pr-rivera' },
  { sub: 'admin', given: 'Avery', family: 'Admin', name: 'Avery Admin', practitioner: null, roles: ['admin'] },
];

// The OpenID Connect claims of one user; `fhirBase` makes fhirUser an absolute URL.
export function userClaims(user, fhirBase) {
  const claims = {
    sub: user.sub,
    name: user.name,
    given_name: user.given,
    family_name: user.family,
    preferred_username: user.sub,
    roles: user.roles,
  };
  if (user.practitioner) claims.fhirUser = `${fhirBase}/Practitioner/${user.practitioner}`;
  if (user.supervisor) claims.supervisor = `${fhirBase}/Practitioner/${user.supervisor}`;
  return claims;
}
