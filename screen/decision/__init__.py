"""The decision engine: evidence in, an explained referral recommendation out (pure)."""
