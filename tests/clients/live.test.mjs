// Subscriptions as an Apollo app receives them: GraphQLWsLink (graphql-ws) in a split
// link, queries and uploads over HTTP. tests/e2e/test_node_live_clients.py starts a
// realtime server (uvicorn, with a Redis broker and channel layer) and runs this with
// GRAPHQL_URL, WS_URL, PHOTO (a JPEG) and WORKER_SIGNAL (a file to create when the
// photo's subscription is open: the Python side then starts the Celery worker).
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApolloClient, ApolloLink, InMemoryCache, gql } from "@apollo/client";
import { SetContextLink } from "@apollo/client/link/context";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
import UploadHttpLink from "apollo-upload-client/UploadHttpLink.mjs";
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const { GRAPHQL_URL, WS_URL, PHOTO, WORKER_SIGNAL } = process.env;

function client(token) {
  const auth = new SetContextLink(({ headers }) => ({
    headers: { ...headers, ...(token ? { Authorization: `JWT ${token}` } : {}) },
  }));
  const ws = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: () => (token ? { Authorization: `JWT ${token}` } : {}),
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    new GraphQLWsLink(ws),
    ApolloLink.from([auth, new UploadHttpLink({ uri: GRAPHQL_URL })]),
  );
  return { apollo: new ApolloClient({ link, cache: new InMemoryCache() }), ws };
}

// The next `count` results of a subscription, then it is closed.
function take(observable, count, timeoutMs = 20000) {
  return new Promise((resolve, reject) => {
    const got = [];
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`timed out with ${JSON.stringify(got)}`));
    }, timeoutMs);
    const subscription = observable.subscribe({
      next(result) {
        if (result.error) {
          clearTimeout(timer);
          reject(result.error);
          return;
        }
        got.push(result.data);
        if (got.length === count) {
          clearTimeout(timer);
          subscription.unsubscribe();
          resolve(got);
        }
      },
      error(error) {
        clearTimeout(timer);
        reject(error);
      },
    });
  });
}

const NOTIFICATIONS = gql`
  subscription Notifications($after: String) {
    notificationAdded(after: $after) { cursor node { id kind comment { text } } }
  }
`;
const COMMENT = gql`
  mutation Comment($id: ID!, $text: String!) {
    addComment(input: { photoId: $id, text: $text }) { __typename }
  }
`;

async function signUp(name) {
  const { apollo } = client();
  const username = `${name}_${randomBytes(4).toString("hex")}`;
  const password = "live-client-passphrase-7";
  await apollo.mutate({
    mutation: gql`
      mutation Register($input: RegisterInput!) { register(input: $input) { __typename } }
    `,
    variables: { input: { username, email: `${username}@example.com`, password } },
  });
  const { data } = await apollo.mutate({
    mutation: gql`
      mutation Login($u: String!, $p: String!) { tokenAuth(username: $u, password: $p) { token } }
    `,
    variables: { u: username, p: password },
  });
  return { username, ...client(data.tokenAuth.token) };
}

const state = {};

test("a photo goes PENDING to READY on the socket, no polling", async () => {
  state.alice = await signUp("alice");
  state.bob = await signUp("bob");
  const file = new File([readFileSync(PHOTO)], "photo.jpg", { type: "image/jpeg" });
  const { data } = await state.alice.apollo.mutate({
    mutation: gql`
      mutation Upload($file: Upload!) {
        uploadPhoto(input: { file: $file, publish: true }) { ... on Photo { id processingStatus } }
      }
    `,
    variables: { file },
  });
  assert.equal(data.uploadPhoto.processingStatus, "PENDING");
  state.photo = data.uploadPhoto.id;
  const updates = state.alice.apollo.subscribe({
    query: gql`
      subscription Photo($id: ID!) { photoUpdated(id: $id) { id processingStatus } }
    `,
    variables: { id: state.photo },
  });
  const ready = take(updates, 1, 60000);
  setTimeout(() => writeFileSync(WORKER_SIGNAL, "go"), 300); // the subscription is open
  const [update] = await ready;
  assert.equal(update.photoUpdated.processingStatus, "READY");
});

test("a notification is pushed the moment it is made", async () => {
  const pushed = take(state.alice.apollo.subscribe({ query: NOTIFICATIONS }), 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await state.bob.apollo.mutate({ mutation: COMMENT, variables: { id: state.photo, text: "first" } });
  const [event] = await pushed;
  assert.equal(event.notificationAdded.node.kind, "COMMENTED");
  assert.equal(event.notificationAdded.node.comment.text, "first");
  state.cursor = event.notificationAdded.cursor;
});

test("a reconnect with the last cursor replays what was missed, once, in order", async () => {
  state.alice.ws.terminate(); // the socket drops; graphql-ws reconnects on the next use
  for (const text of ["missed 1", "missed 2", "missed 3"]) {
    await state.bob.apollo.mutate({ mutation: COMMENT, variables: { id: state.photo, text } });
  }
  const replayed = await take(
    state.alice.apollo.subscribe({ query: NOTIFICATIONS, variables: { after: state.cursor } }),
    3,
  );
  assert.deepEqual(
    replayed.map((e) => e.notificationAdded.node.comment.text),
    ["missed 1", "missed 2", "missed 3"],
  );
  for (const side of [state.alice, state.bob]) {
    await side.ws.dispose();
  }
});
