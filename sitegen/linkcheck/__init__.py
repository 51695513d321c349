"""Link health: `sitegen check-links` checks every external link the papers carry and records the results in
the archive's links.json; the build reads them (offline) to show each link's state."""
