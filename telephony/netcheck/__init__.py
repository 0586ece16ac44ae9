"""Network readiness check for hosted telephony (NET-1 quality, NET-2 ports, NAT).

Standard library only: the probe runs on customer machines with plain Python 3.11.
"""

__version__ = "1.0.0"
