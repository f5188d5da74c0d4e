// The sandbox's OpenID provider: panva's oidc-provider (OpenID Certified) mounted
// under /oidc in the sandbox's HTTP server, for development, the demo and the tests.
//
// - Sign-in: a login form for the demo users of seed/users.mjs (password "demo");
//   their roles, fhirUser and supervisor arrive as claims (id token and userinfo).
// - SMART on FHIR EHR launch: the sandbox EHR issues a `launch` id for a patient (and
//   encounter); the authorization request carries it (`launch`, `aud`), and the token
//   response returns `patient` and `encounter` beside the access token. The FHIR API
//   accepts that access token as Bearer and refuses unknown or expired ones.
//
// Two registered clients, confidential, PKCE S256 required. They are registered as
// `native` so that a redirect URI on a loopback address matches on any port (RFC 8252
// §7.3): the demo, the browser tests and Django's test client each run on their own.
//   copilot        OpenID Connect sign-in   redirect http://127.0.0.1/oidc/callback/
//   copilot-smart  SMART EHR launch         redirect http://127.0.0.1/smart/callback/
// Client secrets come from SANDBOX_OIDC_SECRET / SANDBOX_SMART_SECRET.
//
// SANDBOX_OIDC_CROSS_SITE_COOKIES=1: the provider's cookies are `SameSite=None; Secure;
// Partitioned`, as an identity provider's must be for a sign-in inside an EHR's iframe
// on another site (Chromium keeps Secure cookies on loopback over http). Off by default:
// non-browser clients (the Python tests' `requests`) send Secure cookies over https only.
//
// The signing key (RS256) is generated when the sandbox starts: fine for a sandbox,
// the relying party reads it from jwks_uri.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { errors, interactionPolicy } from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader } from 'jose';
import { DEMO_PASSWORD, DEMO_USERS, userClaims } from './seed/users.mjs';

export const OIDC_PATH = '/oidc';
const KID = 'sandbox-dev-rs256';
const LAUNCH_TTL_MS = 10 * 60 * 1000;
const SMART_SCOPES = ['launch', 'launch/patient', 'launch/encounter', 'fhirUser',
  'patient/*.read', 'patient/*.rs', 'user/*.read', 'user/*.rs'];

function signingKeys() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: KID, alg: 'RS256', use: 'sig' };
  return { privateKey, other, jwk };
}

function clients(env) {
  const common = {
    application_type: 'native',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: 'RS256',
  };
  return [
    {
      ...common,
      client_id: 'copilot',
      client_secret: env.SANDBOX_OIDC_SECRET || 'sandbox-copilot-secret',
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: ['http://127.0.0.1/oidc/callback/', 'http://localhost/oidc/callback/'],
      post_logout_redirect_uris: ['http://127.0.0.1/', 'http://localhost/'],
    },
    {
      ...common,
      client_id: 'copilot-smart',
      client_secret: env.SANDBOX_SMART_SECRET || 'sandbox-smart-secret',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['http://127.0.0.1/smart/callback/', 'http://localhost/smart/callback/'],
    },
  ];
}

// First-party apps of the sandbox: consent is given by signing in.
function policy() {
  const base = interactionPolicy.base();
  base.get('consent').checks.remove('native_client_prompt');
  return base;
}

async function autoGrant(ctx) {
  const { oidc } = ctx;
  const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
  grant.addOIDCScope([...oidc.requestParamScopes].join(' '));
  await grant.save();
  return grant;
}

/** The identity side of the sandbox; `fhirBase` is the absolute FHIR base URL. */
export function createIdentity({ origin, fhirBase, env = process.env }) {
  const issuer = `${origin}${OIDC_PATH}`;
  const keys = signingKeys();
  const launches = new Map(); // launch id -> {patient, encounter, expires}
  const codeLaunches = new Map(); // authorization code jti -> launch context
  const control = { tamper: null };
  const users = new Map(DEMO_USERS.map((u) => [u.sub, u]));

  const crossSite = env.SANDBOX_OIDC_CROSS_SITE_COOKIES === '1';
  const cookieOptions = crossSite ? { sameSite: 'none', secure: true, partitioned: true } : {};
  const provider = new Provider(issuer, {
    clients: clients(env),
    jwks: { keys: [keys.jwk] },
    cookies: {
      keys: ['sandbox-dev-cookie-key-not-secret'],
      long: { httpOnly: true, sameSite: 'lax', ...cookieOptions },
      short: { httpOnly: true, sameSite: 'lax', ...cookieOptions },
    },
    findAccount: async (ctx, sub) => users.has(sub) && {
      accountId: sub,
      claims: async () => userClaims(users.get(sub), fhirBase),
    },
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      fhirUser: ['fhirUser'],
      roles: ['roles', 'supervisor'],
    },
    scopes: ['openid', 'profile', 'roles', ...SMART_SCOPES],
    conformIdTokenClaims: false, // roles and fhirUser in the id token too, as SMART expects
    features: { devInteractions: { enabled: false }, userinfo: { enabled: true } },
    interactions: { url: (ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}`, policy: policy() },
    loadExistingGrant: autoGrant,
    pkce: { methods: ['S256'], required: () => true },
    extraParams: {
      launch(ctx, value) {
        if (value !== undefined && !launchContext(value)) {
          throw new errors.InvalidRequest('launch is unknown or expired');
        }
      },
      aud(ctx, value) {
        if (value !== undefined && value.replace(/\/$/, '') !== fhirBase) {
          throw new errors.InvalidRequest('aud is not this FHIR server');
        }
      },
    },
    extraTokenClaims: async (ctx) => codeLaunches.get(ctx.oidc.entities.AuthorizationCode?.jti),
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
  });

  function launchContext(id) {
    const context = launches.get(id);
    return context && context.expires > Date.now() ? context : undefined;
  }

  function createLaunch({ patient, encounter }) {
    const id = randomBytes(16).toString('base64url');
    launches.set(id, { patient, encounter, expires: Date.now() + LAUNCH_TTL_MS });
    return id;
  }

  provider.on('server_error', (ctx, error) => console.error(`oidc server_error: ${error.stack}`));

  if (crossSite) {
    // Loopback over http counts as secure here, as it does in browsers: the request is
    // marked secure (not https: URLs keep the issuer's scheme), so koa's cookies module
    // sends the Secure cookies.
    provider.use(async (ctx, next) => {
      Object.defineProperty(ctx.request, 'secure', { value: true });
      await next();
    });
  }

  // Bind the launch context to the authorization code it was issued with.
  provider.use(async (ctx, next) => {
    await next();
    const code = ctx.oidc?.entities?.AuthorizationCode;
    if (['authorization', 'resume'].includes(ctx.oidc?.route) && code && ctx.oidc.params?.launch) {
      const { patient, encounter } = launchContext(ctx.oidc.params.launch) || {};
      codeLaunches.set(code.jti, { patient, encounter });
    }
    if (ctx.oidc?.route === 'token' && ctx.status === 200 && ctx.body?.access_token) {
      const context = codeLaunches.get(ctx.oidc.entities.AuthorizationCode?.jti) || {};
      if (context.patient) ctx.body.patient = context.patient;
      if (context.encounter) ctx.body.encounter = context.encounter;
      if (control.tamper && ctx.body.id_token) {
        ctx.body.id_token = await tamper(ctx.body.id_token, control.tamper);
        control.tamper = null;
      }
    }
  });

  // Test-only misbehaviour: the next id token is wrong in one chosen way.
  async function tamper(idToken, mode) {
    const claims = decodeJwt(idToken);
    const header = decodeProtectedHeader(idToken);
    const now = Math.floor(Date.now() / 1000);
    if (mode === 'signature') {
      const [head, , signature] = idToken.split('.');
      const body = Buffer.from(JSON.stringify({ ...claims, sub: 'rivera' })).toString('base64url');
      return `${head}.${body}.${signature}`;
    }
    if (mode === 'nonce') claims.nonce = 'not-the-nonce-of-this-request';
    if (mode === 'aud') claims.aud = 'another-client';
    if (mode === 'iss') claims.iss = 'http://127.0.0.1:9/oidc';
    if (mode === 'exp') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
    const key = mode === 'key' ? keys.other : keys.privateKey;
    return new SignJWT(claims).setProtectedHeader(header).sign(key);
  }

  const callback = provider.callback();

  async function handle(req, res, url) {
    const interaction = url.pathname.match(/^\/oidc\/interaction\/([\w-]+)(\/login)?$/);
    if (interaction) return handleInteraction(req, res, Boolean(interaction[2]));
    req.originalUrl = req.url;
    req.url = req.url.slice(OIDC_PATH.length) || '/';
    return callback(req, res);
  }

  async function handleInteraction(req, res, submitted) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name !== 'login') {
      const grant = new provider.Grant({ clientId: details.params.client_id, accountId: details.session.accountId });
      grant.addOIDCScope(details.params.scope);
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } });
    }
    if (!submitted) return loginPage(res, details, '');
    const form = new URLSearchParams(await readText(req));
    const user = users.get(form.get('username'));
    if (!user || form.get('password') !== DEMO_PASSWORD) {
      return loginPage(res, details, 'Unknown user or wrong password.', 401);
    }
    return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
  }

  function smartConfiguration() {
    return {
      issuer,
      jwks_uri: `${issuer}/jwks`,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      grant_types_supported: ['authorization_code'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: ['openid', 'profile', ...SMART_SCOPES],
      response_types_supported: ['code'],
      code_challenge_methods_supported: ['S256'],
      capabilities: ['launch-ehr', 'client-confidential-symmetric', 'context-ehr-patient',
        'context-ehr-encounter', 'sso-openid-connect', 'openid-fhiruser', 'permission-patient',
        'permission-user'],
    };
  }

  // 'none' (no Authorization header), 'valid', or 'invalid' (unknown, expired, revoked).
  async function bearerStatus(header) {
    if (!header) return 'none';
    const match = header.match(/^Bearer\s+(\S+)$/i);
    const token = match && await provider.AccessToken.find(match[1]);
    return token && !token.isExpired ? 'valid' : 'invalid';
  }

  function setTamper(mode) {
    control.tamper = mode || null;
    return { tamper: control.tamper };
  }

  return { issuer, provider, handle, createLaunch, smartConfiguration, bearerStatus, setTamper };
}

async function readText(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(res, details, error, status = 200) {
  const client = details.params.client_id === 'copilot-smart' ? 'the copilot (SMART launch)' : 'the copilot';
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Sign in · Sandbox EHR</title>
<style>body{font:16px system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}
label,input,button{display:block;width:100%;margin:.3rem 0}input{padding:.4rem}button{padding:.5rem;margin-top:1rem}
.error{color:#a40000}small{color:#555}</style></head><body>
<h1>Sandbox EHR sign-in</h1><p>Sign in to ${escape(client)}.</p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${OIDC_PATH}/interaction/${escape(details.uid)}/login" autocomplete="off">
<label for="username">Username</label><input id="username" name="username" required autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>
<p><small>Demo users: chen, okafor, patel (pre-licensed), rivera (supervisor), admin; password "demo".</small></p>
</body></html>`);
}
