"""Provisioning: tenant tree, roles and access, audit log, licenses, users, trunks, features."""
