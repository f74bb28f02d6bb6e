"""The benchmark of this service against Oxigraph server: ``python -m bench.run`` (see bench/README.md)."""
