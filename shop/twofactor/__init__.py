"""Two-factor sign-in for office staff: a code from an authenticator app (TOTP,
django-otp) after the password, before the dashboard and the admins.

Required when STAFF_OTP_REQUIRED (production); otherwise asked only of staff
who set an app up. Store staff at the counter and shoppers are never asked.
"""
