"""The two kinds of refusal every app raises, in one vocabulary (plain Python, below every app: the pure grading rules use it too).

* `ActionRefused`: the rules refuse what a person tried (a closed attempt, a locked thread, weights that do
  not add up); its message is for that person, shown on the page they came from.
* `BadPayload`: a request no page of this site sends (an unknown choice id, a wrong shape); nothing is saved
  and the answer is 400. A view may catch it to say more; one that does not gets the 400 from
  `coursesite.security.BadPayloadMiddleware`, never a 500.

Each app names its own subclasses (`AttemptError`, `InvalidSubmission`…) so a caller can catch one app's
refusals, and a generic caller can catch the base.
"""


class ActionRefused(Exception):
    """The rules refuse this action; the message is for the person who tried it."""


class BadPayload(ValueError):
    """A payload no honest page sends: answered with 400, nothing saved. Messages never echo the value sent."""
