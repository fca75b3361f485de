"""Rugwijzer's exceptions: one base, a few families, every public error a subclass (as httpx does).

::

    RugwijzerError
    ├── InvalidInput              what came from outside is wrong; names the fields (exit 2, HTTP 4xx)
    │   ├── IntakeError           (core.validation) an intake: every bad field and what is allowed
    │   ├── ResponseError         (fhir.response) a FHIR QuestionnaireResponse; InvalidAnswers
    │   ├── PrefetchError         (cds.hook) a CDS Hooks request's prefetch
    │   └── DiaryError            (diary.errors) DiaryInputError, AlarmCheckDue, DiaryStateError
    ├── KnowledgeBaseError        the knowledge base is broken or inconsistent
    │   ├── KnowledgeError        (knowledge) a knowledge file: names file and entry
    │   ├── ConditionError        (core.conditions) a condition of the small rule language
    │   ├── EngineError           (core.engine) rules that cannot be compiled together
    │   └── FlowError             (core.flow) the question flow does not fit the contract
    └── OperationalError          something outside the input went wrong
        ├── StorageError          (storage) the diary's database; DatabaseBusyError
        └── ReportError           (report) a PDF could not be made

Each family also derives from the built-in it always was (``ValueError``, ``RuntimeError``), so
code that caught those still works. The HTTP layer maps ``InvalidInput`` to 4xx answers; nothing
below it knows about status codes.
"""

from __future__ import annotations


class RugwijzerError(Exception):
    """Base of every error Rugwijzer raises on purpose."""


class InvalidInput(RugwijzerError, ValueError):
    """Input from outside (a person, a file, a record system) is not valid."""


class KnowledgeBaseError(RugwijzerError, ValueError):
    """The knowledge base (rules, texts, flow) is broken or inconsistent."""


class OperationalError(RugwijzerError, RuntimeError):
    """Something outside the input went wrong: storage, PDF rendering."""
