"""Unit tests of meddev_client: no server, a fake /jsonrpc endpoint (meddev_client.testing).

A package on purpose: pytest then puts client/ on sys.path, so ``meddev_client`` imports from the
source tree when tests/run.sh runs ``pytest tests client/tests`` from the repository root.
"""
