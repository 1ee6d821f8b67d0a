"""Subscriptions: the live events of live/, as GraphQL."""
