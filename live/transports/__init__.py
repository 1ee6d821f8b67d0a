"""How subscriptions reach clients: graphql-transport-ws (WebSocket) and graphql-sse (SSE)."""
