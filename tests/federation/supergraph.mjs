// A supergraph for tests/test_supergraph.py: Apollo Gateway composing the LL2 gateway
// (a Federation v2 subgraph) with a small second subgraph, "watchlists", in this process.
//
// "watchlists" extends Spacecraft by its key with a field of its own (`watchers`) and
// returns Spacecraft references (`Watchlist.spacecraft`), which the gateway resolves
// through the LL2 gateway's `_entities`.
//
// Environment: LL2_SUBGRAPH_URL (the LL2 gateway's /graphql) and WATCHLISTS (JSON: name
// -> spacecraft ids). Prints one JSON line, {"gateway": url, "watchlists": url}, once
// both serve (any other output is a log line); stops on SIGTERM or when stdin closes.
import { ApolloGateway, IntrospectAndCompose } from "@apollo/gateway";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { parse } from "graphql";

const ll2Url = process.env.LL2_SUBGRAPH_URL;
const watchlists = JSON.parse(process.env.WATCHLISTS ?? "{}");

const typeDefs = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.0", import: ["@key"])

  type Query {
    watchlist(name: String!): Watchlist
  }

  type Watchlist {
    name: String!
    spacecraft: [Spacecraft]!
  }

  type Spacecraft @key(fields: "id") {
    id: ID!
    "How many people watch this spacecraft: this subgraph's own data."
    watchers: Int!
  }
`);

/** A made-up figure the test can predict: the id's digits summed (other characters: 0). */
const watchersOf = (id) =>
  [...String(id)].reduce((sum, c) => sum + (c >= "0" && c <= "9" ? Number(c) : 0), 0);

const resolvers = {
  Query: {
    watchlist: (_, { name }) => (name in watchlists ? { name, ids: watchlists[name] } : null),
  },
  Watchlist: {
    spacecraft: (list) => list.ids.map((id) => ({ __typename: "Spacecraft", id })),
  },
  Spacecraft: {
    __resolveReference: (reference) => ({ id: reference.id }),
    watchers: (spacecraft) => watchersOf(spacecraft.id),
  },
};

const subgraph = new ApolloServer({
  schema: buildSubgraphSchema([{ typeDefs, resolvers }]),
  plugins: [ApolloServerPluginInlineTraceDisabled()],
});
const { url: watchlistsUrl } = await startStandaloneServer(subgraph, {
  listen: { host: "127.0.0.1", port: 0 },
});

const gateway = new ApolloServer({
  gateway: new ApolloGateway({
    supergraphSdl: new IntrospectAndCompose({
      subgraphs: [
        { name: "ll2", url: ll2Url },
        { name: "watchlists", url: watchlistsUrl },
      ],
    }),
  }),
});
const { url: gatewayUrl } = await startStandaloneServer(gateway, {
  listen: { host: "127.0.0.1", port: 0 },
});

console.log(JSON.stringify({ gateway: gatewayUrl, watchlists: watchlistsUrl }));

const stop = async () => {
  await Promise.allSettled([gateway.stop(), subgraph.stop()]);
  process.exit(0);
};
process.on("SIGTERM", stop);
process.stdin.on("end", stop);
process.stdin.resume();
