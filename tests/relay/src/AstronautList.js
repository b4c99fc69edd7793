// A pagination fragment on the root: usePaginationFragment's loadNext (first/after)
// and loadPrevious (last/before) over one @connection.
import {graphql} from 'react-relay';

export const astronautListFragment = graphql`
  fragment AstronautList_query on Query
  @refetchable(queryName: "AstronautListPaginationQuery")
  @argumentDefinitions(
    first: {type: "Int", defaultValue: 5}
    after: {type: "String"}
    last: {type: "Int"}
    before: {type: "String"}
  ) {
    astronauts(
      first: $first
      after: $after
      last: $last
      before: $before
      ordering: [NAME_ASC]
    ) @connection(key: "AstronautList_astronauts") {
      totalCount
      edges {
        node {
          id
          name
        }
      }
    }
  }
`;

export const astronautListQuery = graphql`
  query AstronautListQuery {
    ...AstronautList_query
  }
`;
