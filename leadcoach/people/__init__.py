"""People and who may see what: the access policy and scoped reads (`access`), people and
teams as listed to a viewer (`people`), accounts and sign-in (`accounts`), the audit log
(`audit`) and erasure. Every other domain asks `access` before it reads a person's data.
It may import only `leadcoach.platform`."""
