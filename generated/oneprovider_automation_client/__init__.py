"""A client library for accessing Oneprovider automation workflow executions"""

from .client import AuthenticatedClient, Client

__all__ = (
    "AuthenticatedClient",
    "Client",
)
