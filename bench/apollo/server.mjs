// The peer of `python -m bench.compare`: Apollo Server 5 over LL2 with RESTDataSource,
// written the way the Apollo documentation shows, serving the gateway's own schema.graphql.
//
//   node server.mjs --port 4000 --upstream http://127.0.0.1:8001/2.3.0/ [--response-cache]
//
// * Root fields make one LL2 call each, in LL2's default mode (no `mode` parameter):
//   `spacecrafts(first: 20)` is GET spacecraft/?limit=20&offset=0, `agency(id: "44")`
//   GET agencies/44/.
// * Every other field reads the LL2 object by the snake_case of its name (`serialNumber`
//   reads `serial_number`). When the object LL2 embedded lacks the key (a `list`-mode
//   agency has no `description`), the resolver completes it with GET <resource>/<id>/.
//   RESTDataSource deduplicates GETs per request, so that is one call per distinct object
//   (and the peer turns off its deep copy of each answer, as its README allows).
// * There is no cross-request cache of LL2 answers: RESTDataSource's HTTP cache follows
//   Cache-Control, and the offline LL2 sends none.
// * --response-cache adds @apollo/server-plugin-response-cache with a default cache hint
//   of 300 s on every field, so whole responses are cached in memory.
//
// Only the fields and arguments the benchmark operations use are implemented; anything
// else is refused with an error, never answered differently from the gateway.
// It listens on 127.0.0.1 only and calls only --upstream.

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

import { RESTDataSource } from "@apollo/datasource-rest";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControl } from "@apollo/server/plugin/cacheControl";
import { ApolloServerPluginUsageReportingDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import responseCachePlugin from "@apollo/server-plugin-response-cache";
import { GraphQLError } from "graphql";

const { values: opts } = parseArgs({
  options: {
    port: { type: "string", default: "4000" },
    upstream: { type: "string" },
    schema: {
      type: "string",
      default: fileURLToPath(new URL("../../schema.graphql", import.meta.url)),
    },
    "response-cache": { type: "boolean", default: false },
  },
});
if (!opts.upstream) {
  throw new Error("--upstream is required (the offline LL2, e.g. http://127.0.0.1:8001/2.3.0/)");
}
const upstream = new URL(opts.upstream);
if (!["127.0.0.1", "localhost", "[::1]"].includes(upstream.hostname)) {
  throw new Error(`--upstream must be on loopback, not ${upstream.hostname}`);
}

// -- LL2 ---------------------------------------------------------------------------------

/** The LL2 path of each GraphQL type that has a detail endpoint. */
const DETAIL_PATH = {
  Agency: "agencies",
  Astronaut: "astronauts",
  Spacecraft: "spacecraft",
  SpacecraftConfig: "spacecraft_configurations",
};

class LL2 extends RESTDataSource {
  constructor(options) {
    super(options);
    this.baseURL = upstream.href;
  }

  page(path, params) {
    return this.get(`${path}/`, { params });
  }

  async detail(path, id) {
    try {
      return await this.get(`${path}/${encodeURIComponent(String(id))}/`);
    } catch (error) {
      if (error?.extensions?.response?.status === 404) return null;
      throw error;
    }
  }

  // RESTDataSource sends one GET per URL per request and, by default, hands every caller
  // a deep copy of the answer (lodash.clonedeep), which was 40 % of this peer's CPU on
  // the spacecraft page. Its README allows returning the body as is when no caller
  // mutates it, which none here does.
  cloneParsedBody(body) {
    return body;
  }
}

// -- resolvers ---------------------------------------------------------------------------

const snakeNames = new Map();
function snake(name) {
  let result = snakeNames.get(name);
  if (result === undefined) {
    result = name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    snakeNames.set(name, result);
  }
  return result;
}

/** Read the LL2 key; complete the object with its detail call when the key is missing. */
async function completing(parent, key, path, context) {
  if (key in parent || parent.id == null) return parent[key] ?? null;
  const full = await context.dataSources.ll2.detail(path, parent.id);
  return full?.[key] ?? null;
}

function refuse(info) {
  throw new GraphQLError(
    `${info.parentType.name}.${info.fieldName} is not implemented by this benchmark peer`,
    { extensions: { code: "NOT_IMPLEMENTED" } },
  );
}

function fieldResolver(parent, _args, context, info) {
  // Root fields, fields with arguments and computed fields (`*Seconds`) need their own
  // resolvers; only those in `resolvers` below have one.
  if (info.parentType.name === "Query" || info.fieldName.endsWith("Seconds")) refuse(info);
  if (info.parentType.getFields()[info.fieldName].args.length > 0) refuse(info);
  if (parent == null || typeof parent !== "object") return null;
  const key = snake(info.fieldName);
  const path = DETAIL_PATH[info.parentType.name];
  if (path !== undefined && !(key in parent)) return completing(parent, key, path, context);
  const value = parent[key];
  return value === undefined ? null : value;
}

function encodeCursor(offset) {
  return Buffer.from(`ll2:${offset}`).toString("base64url");
}

function decodeCursor(cursor) {
  const text = Buffer.from(cursor, "base64url").toString();
  if (!/^ll2:\d+$/.test(text)) {
    throw new GraphQLError(`Malformed cursor ${JSON.stringify(cursor)}`, {
      extensions: { code: "BAD_USER_INPUT" },
    });
  }
  return Number(text.slice(4));
}

/** `NAME_ASC` -> `name`, `TIME_IN_SPACE_DESC` -> `-time_in_space`. */
function ordering(values) {
  return values
    .map((v) => {
      const desc = v.endsWith("_DESC");
      const field = v.replace(/_(ASC|DESC)$/, "").toLowerCase();
      return desc ? `-${field}` : field;
    })
    .join(",");
}

function listResolver(path) {
  return async (_parent, args, context) => {
    const { first, after, ordering: order, search, filter } = args;
    if (search != null || filter != null) {
      throw new GraphQLError("this benchmark peer implements no search or filter", {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    if (first < 0 || first > 100) {
      throw new GraphQLError("`first` must be between 0 and 100", {
        extensions: { code: "BAD_USER_INPUT" },
      });
    }
    const offset = after != null ? decodeCursor(after) + 1 : 0;
    const params = { limit: String(first), offset: String(offset) };
    if (order != null && order.length > 0) params.ordering = ordering(order);
    const body = await context.dataSources.ll2.page(path, params);
    return { offset, total: body.count, items: body.results };
  };
}

function detailResolver(path) {
  return (_parent, { id }, context) => context.dataSources.ll2.detail(path, id);
}

const connection = {
  totalCount: (page) => page.total,
  nodes: (page) => page.items,
  edges: (page) =>
    page.items.map((node, i) => ({ cursor: encodeCursor(page.offset + i), node })),
  pageInfo: (page) => ({
    hasNextPage: page.offset + page.items.length < page.total,
    hasPreviousPage: page.offset > 0,
    startCursor: page.items.length ? encodeCursor(page.offset) : null,
    endCursor: page.items.length ? encodeCursor(page.offset + page.items.length - 1) : null,
  }),
};
const edge = { cursor: (e) => e.cursor, node: (e) => e.node };
const pageInfo = {
  hasNextPage: (p) => p.hasNextPage,
  hasPreviousPage: (p) => p.hasPreviousPage,
  startCursor: (p) => p.startCursor,
  endCursor: (p) => p.endCursor,
};

const resolvers = {
  Query: {
    agency: detailResolver("agencies"),
    astronaut: detailResolver("astronauts"),
    astronauts: listResolver("astronauts"),
    spacecraft: detailResolver("spacecraft"),
    spacecraftConfig: detailResolver("spacecraft_configurations"),
    spacecraftConfigs: listResolver("spacecraft_configurations"),
    spacecrafts: listResolver("spacecraft"),
    agencies: listResolver("agencies"),
  },
  PageInfo: pageInfo,
};
for (const type of ["Agency", "Astronaut", "Spacecraft", "SpacecraftConfig"]) {
  resolvers[`${type}Connection`] = connection;
  resolvers[`${type}Edge`] = edge;
}

// -- the server --------------------------------------------------------------------------

const plugins = [ApolloServerPluginUsageReportingDisabled()];
if (opts["response-cache"]) {
  plugins.push(ApolloServerPluginCacheControl({ defaultMaxAge: 300 }), responseCachePlugin());
}

const server = new ApolloServer({
  typeDefs: readFileSync(opts.schema, "utf8"),
  resolvers,
  fieldResolver,
  plugins,
});

const { url } = await startStandaloneServer(server, {
  listen: { host: "127.0.0.1", port: Number(opts.port) },
  context: async () => ({ dataSources: { ll2: new LL2({ cache: server.cache }) } }),
});
console.log(
  `apollo peer listening on ${url} over ${upstream.href}` +
    (opts["response-cache"] ? " with the response cache" : ""),
);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.stop().finally(() => process.exit(0));
  });
}
