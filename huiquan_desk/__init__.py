"""惠泉台账 — offline ledger of a community committee's civilization-creation work."""

__version__ = "0.1.0"
APP_NAME = "huiquan_desk"
