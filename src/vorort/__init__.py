"""vorort: an open Fachverfahren for municipal jobcenters (SGB II)."""
