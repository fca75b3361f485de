"""The texts of the error pages and of the diary's login page: the ``access`` gettext catalogue.

Kept apart from the page code so that one extraction finds them all (``make i18n``); translated in
``locale/<lang>/LC_MESSAGES/access.po``.
"""

from __future__ import annotations

from rugwijzer.i18n import N_

DOMAIN = "access"

TITLES: dict[int, str] = {
    400: N_("This could not be read"),
    403: N_("This form has expired"),
    404: N_("This page does not exist"),
    405: N_("This page cannot be used this way"),
    413: N_("What was sent is too large"),
    422: N_("This could not be read"),
    429: N_("Please wait a moment"),
    503: N_("The diary cannot be opened right now"),
}
TEXTS: dict[int, str] = {
    400: N_("Part of what was sent is not in the form this page expects. Go back and try again."),
    403: N_("Please reload the page and send it again."),
    404: N_("Check the address, or go to the start."),
    405: N_("Go to the start and use the links and buttons on the pages."),
    413: N_("A form of this app is never this large. Nothing was saved."),
    422: N_("Part of the address is not in the form this page expects. Go to the start and try again."),
    429: N_("A PDF of your diary is already being prepared. Wait until it is ready, then try again."),
    503: N_("The place where the diary is kept cannot be used. Nothing was changed. The message below "
            "says why; please try again later or ask for help."),
}
GENERIC_TITLE = N_("Something went wrong")
GENERIC_TEXT = N_("The page could not be made. Please try again.")
HOME = N_("Go to the start")

LOGIN_TITLE = N_("Open your diary")
LOGIN_INTRO = N_("Your diary is private: only you can open it. Open it with the link that \"rugwijzer serve\" "
                 "(or \"make run\") showed when it started. Each link works once.")
LOGIN_USED = N_("This link was used already, or it is from an earlier start of the app.")
LOGIN_KEY_FILE = N_("No link? Copy the key from the file %(path)s and paste it here. Only your own account on "
                    "this computer can read that file.")
LOGIN_LABEL = N_("Key")
LOGIN_BUTTON = N_("Open the diary")
LOGIN_WRONG = N_("This is not the key. Copy the whole first line of the file.")
LOGOUT = N_("Log out")
