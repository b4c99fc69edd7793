// Apollo Client 3, unmodified, against a running gateway: its persisted-query link over
// BatchHttpLink (POST), then over HttpLink with GET for hashed queries.
// Usage: node apollo.mjs URL — prints what each client saw, and every HTTP exchange, as JSON.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { BatchHttpLink } from '@apollo/client/link/batch-http/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';

const url = process.argv[2];
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

const exchanges = [];
async function recordingFetch(input, init = {}) {
  const response = await fetch(input, init);
  const body = typeof init.body === 'string' ? JSON.parse(init.body) : null;
  const answer = await response.clone().json();
  const answers = Array.isArray(answer) ? answer : [answer];
  exchanges.push({
    method: init.method || 'GET',
    url: String(input),
    accept: new Headers(init.headers).get('accept'),
    request: body,
    status: response.status,
    codes: answers.map((a) => (a.errors || []).map((e) => e.extensions?.code)),
    upstreamCalls: answers.map((a) => a.extensions?.upstream?.requests),
    contentType: response.headers.get('content-type'),
    cacheControl: response.headers.get('cache-control'),
    etag: response.headers.get('etag'),
  });
  return response;
}

const AGENCY = gql`query Agency($id: ID!) { agency(id: $id) { id name abbrev } }`;
const AGENCY_NAME = gql`query AgencyName($id: ID!) { agency(id: $id) { id name } }`;
const FLIGHT = gql`query Flight { spacecraftFlight(id: "671") { id destination } }`;

function batchClient() {
  const link = createPersistedQueryLink({ sha256 }).concat(
    new BatchHttpLink({ uri: url, batchMax: 10, batchInterval: 20, fetch: recordingFetch }),
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

function getClient() {
  const link = createPersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
    new HttpLink({ uri: url, fetch: recordingFetch }),
  );
  return new ApolloClient({ link, cache: new InMemoryCache() });
}

async function both(client) {
  const [agency, flight] = await Promise.all([
    client.query({ query: AGENCY, variables: { id: '44' } }),
    client.query({ query: FLIGHT }),
  ]);
  return { agency: agency.data.agency, flight: flight.data.spacecraftFlight };
}

const report = {};
report.batchFirst = await both(batchClient()); // unknown hashes: registered on the retry
report.batchAgain = await both(batchClient()); // a new app start: hashes alone
report.batchExchanges = exchanges.splice(0);
const agency = async () => (await getClient().query({ query: AGENCY_NAME, variables: { id: '121' } })).data.agency;
report.getFirst = await agency();
report.getAgain = await agency();
report.getExchanges = exchanges.splice(0);
console.log(JSON.stringify(report));
