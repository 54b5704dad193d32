"""The serving layer: content version and response cache, HTTP caching headers, per-process
reference data, stream and rich-text prefetching, the page serve view, the admin's security
policy, and the one module of upstream patches; it imports no app of the project."""
