"""Real-browser journeys through Nurture, driven by Playwright and checked with axe-core."""
