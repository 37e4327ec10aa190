"""Accounts, sign-in, sessions and who may open which page.

``access`` decides, in one place, which roles reach each view; ``sessions`` ties a
browser to a server-side session record; ``protection`` sets CSRF, cookie flags and
security headers. Importing the package builds nothing.
"""
