// Apollo Client, unmodified, reads a deferred query from the gateway over HttpLink.
// Usage: node defer.mjs <graphql URL> <v0.2 | 2022>
// Prints one JSON line per result Apollo Client emits with data, then exits once complete.
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { Defer20220824Handler, GraphQL17Alpha9Handler } from "@apollo/client/incremental";

const [url, format] = process.argv.slice(2);
const client = new ApolloClient({
  link: new HttpLink({ uri: url }),
  cache: new InMemoryCache(),
  incrementalHandler: format === "2022" ? new Defer20220824Handler() : new GraphQL17Alpha9Handler(),
});

const query = gql`
  query AstronautList {
    astronauts(first: 3, ordering: [NAME_ASC]) {
      nodes {
        id
        name
        ... @defer(label: "agency") {
          agency { id name description }
        }
      }
    }
  }
`;

const timer = setTimeout(() => {
  console.error("no complete result in time");
  process.exit(2);
}, 20000);
const subscription = client.watchQuery({ query, fetchPolicy: "network-only" }).subscribe({
  next(result) {
    if (result.dataState === "empty") return; // loading: nothing to render yet
    console.log(JSON.stringify({ dataState: result.dataState, data: result.data, error: result.error?.message ?? null }));
    if (result.dataState === "complete" || result.error) {
      clearTimeout(timer);
      subscription.unsubscribe();
      client.stop();
    }
  },
  error(error) {
    console.error(String(error));
    process.exit(1);
  },
});
