"""Names the computation shares: the seven characteristics in their fixed order, the
advice levels, the decisions, and the columns read from each record."""

from profiles.characteristics import Characteristic

CHARACTERISTICS: tuple[str, ...] = tuple(Characteristic.values)
ADVICE: tuple[str, ...] = ("fast", "regular", "intensive")
DECISIONS: tuple[str, ...] = ("granted", "refused", "withdrawn", "pending")
RECORD_COLUMNS: tuple[str, ...] = ("month", *CHARACTERISTICS, "advice", "decision", "officer_id", "matched_profiles")
SCHEMA = "iob-bias-report/2"
