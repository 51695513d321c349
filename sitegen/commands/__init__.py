"""One module per `sitegen` sub-command, each with `register(subparsers)` and `run(args) -> int`."""
