"""No tables: the roles are Django groups (shop.roles.roles)."""
