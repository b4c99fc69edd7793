// graphql-ws's client (the protocol of Apollo's GraphQLWsLink and urql) subscribes to a flight.
// Usage: node subscribe.mjs <ws URL> <count>
// Prints one JSON line per `next` payload; exits after <count> of them.
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const [url, count] = process.argv.slice(2);
const client = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
const query = 'subscription { spacecraftFlight(id: "671") { id destination } }';

const timer = setTimeout(() => {
  console.error("not enough results in time");
  process.exit(2);
}, 30000);
let seen = 0;
const stop = client.subscribe(
  { query },
  {
    next(payload) {
      console.log(JSON.stringify(payload));
      seen += 1;
      if (seen >= Number(count)) {
        clearTimeout(timer);
        stop();
        client.dispose();
      }
    },
    error(error) {
      console.error(JSON.stringify(error, Object.getOwnPropertyNames(error ?? {})));
      process.exit(1);
    },
    complete() {},
  },
);
