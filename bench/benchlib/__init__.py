"""The modules of bench/run: common, build, measure, report (one step each)."""
