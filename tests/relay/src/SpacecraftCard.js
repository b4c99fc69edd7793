// A refetchable fragment on a Node type: Relay refetches it with `node(id: $globalId)`.
import {graphql} from 'react-relay';

export const spacecraftCardFragment = graphql`
  fragment SpacecraftCard_spacecraft on Spacecraft
  @refetchable(queryName: "SpacecraftCardRefetchQuery") {
    id
    name
    serialNumber
    status {
      name
    }
    spacecraftConfig {
      name
    }
  }
`;

export const spacecraftCardQuery = graphql`
  query SpacecraftCardQuery($id: ID!) {
    spacecraft(id: $id) {
      ...SpacecraftCard_spacecraft
    }
  }
`;
