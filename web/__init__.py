"""The staff dashboard: server-rendered pages (Starlette + Jinja2) over the same services as the bot.

Presentation only, like handlers/ (and never importing it): parse the request, call a service, render a
template. Every string goes through the same gettext catalogs; charts are SVG drawn on the server.
"""
