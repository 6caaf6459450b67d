"""The web service: secretariat console, party and monitor portals, public register."""
