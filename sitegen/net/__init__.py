"""The network edge: HTTP clients that refuse private addresses, bound every answer in time and size, and read
the services' rate-limit headers. Only the commands that talk to services (`fetch/`, `linkcheck/`) use it."""
