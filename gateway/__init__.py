"""A GraphQL gateway over The Space Devs' Launch Library 2 spacecraft and flight API."""

__version__ = "0.1.0"
