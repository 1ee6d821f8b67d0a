"""Helpers shared by the notification tests: the list, the viewer's count, marking read."""

from tests.support.client import GraphQLClient

NOTIFICATIONS = """
query($unreadOnly: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id kind read createdAt
      actor { username }
      photo { caption }
      comment { text }
      album { title }
    } }
  }
}"""

ME = "{ me { username unreadNotificationsCount emailNotifications } }"

MARK_READ = """
mutation($input: MarkNotificationsReadInput!) {
  markNotificationsRead(input: $input) {
    __typename
    ... on User { username unreadNotificationsCount }
    ... on OperationInfo { messages { code field } }
  }
}"""


def listed(client: GraphQLClient, **variables) -> list[tuple]:
    """The viewer's notifications: (kind, actor, photo caption, comment text, album title, read)."""
    page = client.execute(NOTIFICATIONS, variables).data["notifications"]
    return [
        (
            n["kind"],
            n["actor"]["username"],
            n["photo"] and n["photo"]["caption"],
            n["comment"] and n["comment"]["text"],
            n["album"] and n["album"]["title"],
            n["read"],
        )
        for n in (edge["node"] for edge in page["edges"])
    ]


def notification_ids(client: GraphQLClient, **variables) -> list[str]:
    page = client.execute(NOTIFICATIONS, variables).data["notifications"]
    return [edge["node"]["id"] for edge in page["edges"]]


def unread_count(client: GraphQLClient) -> int:
    return client.execute(ME).data["me"]["unreadNotificationsCount"]


def mark_read(client: GraphQLClient, **input) -> dict:
    return client.mutate("markNotificationsRead", MARK_READ, {"input": input})
