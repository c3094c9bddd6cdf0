"""The platform every domain stands on: typed settings (`config`), the engine, sessions and
migrations (`db`), the tables (`models`), the data version that keys shared caches,
the errors the core raises, input cleaning (`validation`), SQLite backups and the server's
heap tuning. It imports no other LeadCoach package."""
