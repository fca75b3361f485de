"""The question flow (``questions.yaml``) as a FHIR R4 Questionnaire.

One group per screen (linkId ``screen.<id>``), one item per question (linkId = the contract's field
name; ``startback.<key>`` for STarT Back; helpers keep their own names). A "which of these apply?"
checklist is a group (linkId = the checklist's name) of required ``boolean`` items, one per contract
field: FHIR has no "none of these" box, so each is answered yes or no, and nothing left empty is
read as "no". Texts are in the requested language with the other two through the translation
extension; answer options are codings in Rugwijzer's own code systems; ``ask_when`` becomes
``enableWhen`` where FHIR can say it (see :mod:`rugwijzer.fhir.enable_when`). STarT Back screens
show the Keele notice, which is also the Questionnaire's copyright.
"""

from __future__ import annotations

import functools
from typing import Any

from fhir.resources.R4B.questionnaire import Questionnaire

from rugwijzer.core.explain import Explainer
from rugwijzer.core.flow import Flow, Question, Screen, token
from rugwijzer.core.knowledge import KnowledgeBase, Lang, Text
from rugwijzer.fhir.codes import QUESTIONNAIRE_ID, QUESTIONNAIRE_URL, TRANSLATION, system
from rugwijzer.fhir.enable_when import translate
from rugwijzer.languages import LANGS, default_region

EXT = "http://hl7.org/fhir/StructureDefinition"
ITEM_CONTROL = f"{EXT}/questionnaire-itemControl"


def _item_control(code: str, display: str) -> dict[str, Any]:
    return {"url": ITEM_CONTROL, "valueCodeableConcept": {"coding": [
        {"system": "http://hl7.org/fhir/questionnaire-item-control", "code": code, "display": display}]}}


_HELP = _item_control("help", "Help-Button")
# Every option on screen, as in the web app: radio buttons for one answer, check boxes for several.
_CONTROLS = {"choice": _item_control("radio-button", "Radio Button"),
             "multi": _item_control("check-box", "Check-box")}
_TYPES = {"boolean": "boolean", "choice": "choice", "integer": "integer", "duration": "integer", "multi": "choice"}


def translated(text: Text, lang: Lang) -> tuple[str, dict[str, Any]]:
    """A text in ``lang`` and the ``_element`` with its translations into the other languages."""
    extensions = [{"url": TRANSLATION, "extension": [{"url": "lang", "valueCode": other},
                                                     {"url": "content", "valueString": text[other]}]}
                  for other in LANGS if other != lang]
    return text[lang], {"extension": extensions}


def N_(message: str) -> str:
    """Marks a message for the ``api`` catalogue; it is translated where it is shown."""
    return message


TITLE = N_("Rugwijzer: questions about low back pain")
DESCRIPTION = N_("linkId = intake field of the Rugwijzer contract; POST the QuestionnaireResponse to "
                 "QuestionnaireResponse/$assess.")


def interface_text(message: str) -> Text:
    """An interface string of the ``api`` catalogue in every language."""
    from rugwijzer.i18n import gettext_for

    return Text.model_validate({lang: gettext_for(lang, "api")(message) for lang in LANGS})


def _text(element: str, text: Text, lang: Lang) -> dict[str, Any]:
    value, ext = translated(text, lang)
    return {element: value, f"_{element}": ext}


def _display(link_id: str, text: Text, lang: Lang, help_button: bool = False) -> dict[str, Any]:
    item: dict[str, Any] = {"linkId": link_id, "type": "display", **_text("text", text, lang)}
    if help_button:
        item["extension"] = [_HELP]
    return item


def group_link_id(screen: Screen) -> str:
    """Groups are named after their screen, apart from the fields (a screen may share a field's name)."""
    return f"screen.{screen.id}"


class QuestionnaireBuilder:
    """Builds the Questionnaire for one language; the flow decides everything asked."""

    def __init__(self, flow: Flow, kb: KnowledgeBase, lang: Lang) -> None:
        self.flow, self.kb, self.lang = flow, kb, lang
        self.questions = {q.field: q for _, q in flow.fields()}

    def build(self) -> dict[str, Any]:
        kb, lang = self.kb, self.lang
        resource: dict[str, Any] = {
            "resourceType": "Questionnaire",
            "id": QUESTIONNAIRE_ID,
            "url": QUESTIONNAIRE_URL,
            "version": kb.version,
            "name": "RugwijzerIntake",
            **_text("title", interface_text(TITLE), lang),
            "status": "active",
            "subjectType": ["Patient"],
            "language": lang,
            "description": f"{_disclaimer(kb, lang)} {interface_text(DESCRIPTION)[lang]}",
            **_text("copyright", kb.startback.notice, lang),
            "item": [self.group(screen) for screen in self.flow.screens],
        }
        return resource

    def group(self, screen: Screen) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        link_id = group_link_id(screen)
        if screen.intro:
            items.append(_display(f"{link_id}.intro", screen.intro, self.lang))
        if screen.notice:
            items.append(_display(f"{link_id}.notice", screen.notice, self.lang))
        items += [self.checklist(q) if q.items else self.item(q) for q in screen.questions]
        group = {"linkId": link_id, "type": "group", **_text("text", screen.title, self.lang), "item": items}
        return {**group, **self.enable_when(screen.ask_when)}

    def checklist(self, question: Question) -> dict[str, Any]:
        """A checklist: a group of yes/no items, each required."""
        assert question.label is not None
        items = [self.item(item) for item in question.items]
        if question.help:
            items.insert(0, _display(f"{question.field}.help", question.help, self.lang, help_button=True))
        group = {"linkId": question.field, "type": "group", **_text("text", question.label, self.lang),
                 "item": items}
        return {**group, **self.enable_when(question.ask_when)}

    def item(self, question: Question) -> dict[str, Any]:
        assert question.label is not None  # build_flow fills in every label
        item: dict[str, Any] = {"linkId": question.field, "type": _TYPES[question.kind],
                                **_text("text", question.label, self.lang),
                                "required": not question.optional and question.kind != "multi"}
        if question.kind == "multi":
            item["repeats"] = True
        if question.kind in ("choice", "multi"):
            item["answerOption"] = [self.option(question, o.value, o.label) for o in question.options]
        extensions = self.number_extensions(question)
        if question.kind in _CONTROLS:
            extensions.append(_CONTROLS[question.kind])
        if extensions:
            item["extension"] = extensions
        if question.help:
            item["item"] = [_display(f"{question.field}.help", question.help, self.lang, help_button=True)]
        return {**item, **self.enable_when(question.ask_when)}

    def option(self, question: Question, value: Any, label: Text | None) -> dict[str, Any]:
        coding: dict[str, Any] = {"system": system(question.field), "code": token(value)}
        if label:
            coding.update(_text("display", label, self.lang))
        return {"valueCoding": coding}

    def number_extensions(self, question: Question) -> list[dict[str, Any]]:
        if question.kind not in ("integer", "duration"):
            return []
        out: list[dict[str, Any]] = []
        if question.min is not None:
            out.append({"url": f"{EXT}/minValue", "valueInteger": question.min})
        if question.max is not None:
            out.append({"url": f"{EXT}/maxValue", "valueInteger": question.max})
        unit = question.unit or next((u.label for u in question.units if u.days == 1), None)
        if unit:
            out.append({"url": f"{EXT}/questionnaire-unit", "valueCoding": {"display": unit[self.lang]}})
        return out

    def enable_when(self, condition: str | None) -> dict[str, Any]:
        rule = translate(condition, self.answer_of)
        return rule.fhir() if rule else {}

    def answer_of(self, name: str, value: Any) -> dict[str, Any] | None:
        """How a constant of a condition is written for question ``name`` (None: not at all)."""
        question = self.questions.get(name)
        if question is None:
            return None
        if question.kind == "boolean" and isinstance(value, bool):
            return {"answerBoolean": value}
        if question.kind in ("integer", "duration") and isinstance(value, int) and not isinstance(value, bool):
            return {"answerInteger": value}
        if question.kind == "choice" and question.option(value) is not None:
            return {"answerCoding": {"system": system(name), "code": token(value)}}
        return None


@functools.cache
def intake_questionnaire(lang: Lang) -> dict[str, Any]:
    """The packaged flow as a Questionnaire in ``lang``, validated as R4."""
    from rugwijzer.knowledge import load_flow, load_knowledge

    resource = QuestionnaireBuilder(load_flow(), load_knowledge(), lang).build()
    Questionnaire.model_validate(resource)
    return resource


def _disclaimer(kb: KnowledgeBase, lang: Lang) -> str:
    """The disclaimer with the numbers of the language's own region filled in (a Questionnaire is
    not for one region; 112 is the emergency number in both)."""
    return Explainer(kb, lang, default_region(lang)).t(kb.messages.disclaimer)
