// A pagination fragment on a Node type: Relay pages the agency's configurations
// through `node(id: $globalId)`, forward and backward.
import {graphql} from 'react-relay';

export const agencyConfigsFragment = graphql`
  fragment AgencyConfigs_agency on Agency
  @refetchable(queryName: "AgencyConfigsPaginationQuery")
  @argumentDefinitions(
    count: {type: "Int", defaultValue: 4}
    cursor: {type: "String"}
    last: {type: "Int"}
    before: {type: "String"}
  ) {
    name
    spacecraftConfigs(
      first: $count
      after: $cursor
      last: $last
      before: $before
      ordering: [NAME_ASC]
    ) @connection(key: "AgencyConfigs_spacecraftConfigs") {
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

export const agencyConfigsQuery = graphql`
  query AgencyConfigsQuery($id: ID!) {
    agency(id: $id) {
      ...AgencyConfigs_agency
    }
  }
`;
