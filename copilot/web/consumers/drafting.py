"""Drafting over the sidebar socket: compose, draft, cancel, accept, reject, edit,
acknowledge, approve. Every answer is HTML: partials of templates/copilot/draft.html,
swapped in by id.
"""

from __future__ import annotations

import asyncio
import logging

from asgiref.sync import sync_to_async

from copilot.access.fetch import NotFound, draft_for_user
from copilot.access.http import log_denial
from copilot.drafting.engines import EngineError
from copilot.drafting.text import segment
from copilot.drafting.types import (
    DraftRequest,
    SectionCompleted,
    SectionStarted,
    SectionToken,
)
from copilot.ehr import ClientNotFound, EhrError, get_gateway
from copilot.review import generation, outbox, services
from copilot.review.models import Approval, Draft, DraftSection
from copilot.summaries import engine_for
from copilot.summaries.forms import (
    SummaryForm,
    summary_flag_risks,
    summary_input_text,
    summary_validate,
)

from ..presenters import draft_view
from ..sidebar import composer_context, summary_context

logger = logging.getLogger(__name__)
TEMPLATE = "copilot/draft.html"
SUMMARIES = "copilot/summaries.html"
REVIEW_ACTIONS = {
    "accept": DraftSection.Decision.ACCEPTED,
    "reject": DraftSection.Decision.REJECTED,
    "edit": DraftSection.Decision.EDITED,
}


class DraftingActions:
    """The sidebar socket's drafting and review actions (a mixin of SidebarConsumer,
    which provides `user`, `client_id`, `running`, `send_html` and `send_notice`)."""

    actions = (
        "compose",
        "draft",
        "cancel",
        "accept",
        "reject",
        "edit",
        "acknowledge",
        "approve",
        "summarize",
    )

    async def on_drafting(self, action: str, content: dict) -> None:
        if action in REVIEW_ACTIONS:
            return await self.on_review(content, REVIEW_ACTIONS[action])
        handler = {
            "compose": self.on_compose,
            "draft": self.on_draft,
            "cancel": self.on_cancel,
            "acknowledge": self.on_acknowledge,
            "approve": self.on_approve,
            "summarize": self.on_summarize,
        }[action]
        await handler(content)

    # --- drafting ---------------------------------------------------------------

    async def on_compose(self, content: dict) -> None:
        await sync_to_async(services.composer_save)(
            actor=self.user,
            client_id=self.client_id,
            template_key=str(content.get("template", "")),
            text=str(content.get("text", "")),
        )

    async def on_draft(self, content: dict) -> None:
        template_key, text = str(content.get("template", "")), str(content.get("text", ""))
        await self.on_compose(content)  # what was typed is kept, whatever happens next
        try:
            template, text = services.draft_input_validate(template_key=template_key, text=text)
            engine = engine_for(template)
            chart = await get_gateway().chart(self.client_id)
            kind, _ = segment(text)
            request = DraftRequest(template, text, chart, kind, clinician=self.user.get_full_name())
            await engine.prepare(request)
        except services.DraftInputError as error:
            return await self.send_composer(error)
        except EngineError as error:
            return await self.send_composer(services.DraftInputError(error.message, field="text"))
        except ClientNotFound:
            message = "This client is not in the EHR, so no note can be drafted."
            return await self.send_composer(services.DraftInputError(message, field="client"))
        except EhrError as error:
            message = f"{error.message} Your text is kept; try again in a moment."
            return await self.send_composer(services.DraftInputError(message, field="client"))
        try:
            draft = await sync_to_async(services.draft_create)(
                actor=self.user,
                client_id=self.client_id,
                template=template,
                text=text,
                kind=kind,
                engine=engine.info,
                encounter_id=str(content.get("encounter", ""))[:64],
            )
        except services.ReviewError as error:
            return await self.send_composer(services.DraftInputError(error.message, field="text"))
        await generation.draft_flag_risks(draft=draft, request=request, engine=engine)
        await self.send_composer(None)
        await self.send_panel(draft)
        task = asyncio.create_task(self.run_draft(draft, request, engine))
        self.running[str(draft.id)] = task

    async def on_summarize(self, content: dict) -> None:
        """Draft a discharge or referral summary from the Summaries tab's form; it then
        streams into the drafting panel like any note. On error the form comes back
        with what was typed and ticked, and the message."""
        form = SummaryForm.parse(content)
        clinician = self.user.get_full_name()
        try:
            template = summary_validate(form)
            engine = engine_for(template)
            chart = await get_gateway().chart(self.client_id)
            text = await summary_input_text(form, chart, clinician)
            draft = await sync_to_async(services.draft_create)(
                actor=self.user,
                client_id=self.client_id,
                template=template,
                text=text,
                kind="notes",
                engine=engine.info,
            )
        except services.DraftInputError as error:
            return await self.send_summary(form.failed(error))
        except (EngineError, services.ReviewError) as error:
            return await self.send_summary(form.failed(_input_error(error.message, "text")))
        except ClientNotFound:
            message = "This client is not in the EHR, so no summary can be drafted."
            return await self.send_summary(form.failed(_input_error(message, "client")))
        except EhrError as error:
            message = f"{error.message} Your text is kept; try again in a moment."
            return await self.send_summary(form.failed(_input_error(message, "client")))
        request = DraftRequest(template, text, chart, "notes", clinician=clinician)
        await summary_flag_risks(draft=draft, request=request)
        await self.send_summary(form, drafted=True)
        await self.send_panel(draft)
        task = asyncio.create_task(self.run_draft(draft, request, engine))
        self.running[str(draft.id)] = task

    async def run_draft(self, draft: Draft, request: DraftRequest, engine) -> None:
        async def emit(event) -> None:
            if isinstance(event, SectionStarted):
                await self.send_partial("section-started", key=event.key, title=event.title)
                await self.send_progress(draft, writing=event.title)
            elif isinstance(event, SectionToken):
                await self.send_partial("section-token", key=event.key, text=event.text)
            elif isinstance(event, SectionCompleted):
                await self.send_section(draft, event.section.key)

        try:
            await generation.draft_run(draft=draft, request=request, engine=engine, emit=emit)
        except EngineError as error:
            logger.info("Draft %s stopped: %s", draft.id, error.message)
        finally:
            self.running.pop(str(draft.id), None)
        await self.send_panel(draft)

    async def on_cancel(self, content: dict) -> None:
        task = self.running.get(str(content.get("draft", "")))
        if task:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            draft = await self.get_draft(content)
            if draft:
                await self.send_panel(draft)

    # --- review -----------------------------------------------------------------

    async def on_review(self, content: dict, decision: str) -> None:
        draft = await self.get_draft(content)
        if draft is None:
            return
        key = str(content.get("section", ""))
        text = content.get("text")
        try:
            await sync_to_async(services.section_decide)(
                actor=self.user,
                draft=draft,
                key=key,
                decision=decision,
                text=str(text) if text is not None else None,
            )
        except services.ReviewError as error:
            return await self.send_notice(error.message)
        if decision != DraftSection.Decision.EDITED:  # an edit keeps the textarea in place
            await self.send_section(draft, key)
        else:
            await self.send_partial_for(draft, "progress")
        await self.send_partial_for(draft, "approve-bar")

    async def on_acknowledge(self, content: dict) -> None:
        draft = await self.get_draft(content)
        if draft is None:
            return
        try:
            await sync_to_async(services.flag_acknowledge)(
                actor=self.user, draft=draft, flag_id=content.get("flag")
            )
        except services.ReviewError as error:
            return await self.send_notice(error.message)
        await self.send_partial_for(draft, "flags")
        await self.send_partial_for(draft, "approve-bar")

    async def on_approve(self, content: dict) -> None:
        draft = await self.get_draft(content)
        if draft is None:
            return
        try:
            approval = await sync_to_async(services.draft_approve)(
                actor=self.user,
                draft=draft,
                idempotency_key=str(content.get("idempotency_key", "")),
            )
        except services.ReviewError as error:
            return await self.send_notice(error.message)
        if not isinstance(approval, Approval):  # sent for co-signature: nothing for the EHR yet
            return await self.send_panel(draft)
        write_back = await sync_to_async(lambda: approval.write_back)()
        await self.send_panel(draft)  # "approved — waiting for EHR" at once
        self.running[f"write-{write_back.pk}"] = asyncio.create_task(
            self.deliver(draft, write_back.pk)
        )

    async def deliver(self, draft: Draft, write_back_id: int) -> None:
        """Send the note now; if it does not land, the outbox worker keeps retrying."""
        try:
            await outbox.deliver(write_back_id)
            await self.send_partial_for(draft, "approval-status")
        finally:
            self.running.pop(f"write-{write_back_id}", None)

    # --- helpers ----------------------------------------------------------------

    async def get_draft(self, content: dict) -> Draft | None:
        """The user's draft named in the message, for this sidebar's client only
        (copilot.access.draft_for_user); a denial is logged and answered with a notice."""
        try:
            draft = await draft_for_user(self.user, str(content.get("draft", "")))
        except NotFound:
            draft = None
        except EhrError as error:
            await self.send_notice(f"{error.message} Try again in a moment.")
            return None
        if draft is None or draft.client_id != self.client_id:
            action = str(content.get("action", ""))
            log_denial(user_id=getattr(self.user, "pk", None), where=f"ws {action}", what="draft")
            await self.send_notice("That draft is not available.")
            return None
        return draft

    async def send_partial(self, partial: str, **context) -> None:
        await self.send_html(f"{TEMPLATE}#{partial}", **context)

    async def send_partial_for(self, draft: Draft, partial: str, **context) -> None:
        view = await sync_to_async(draft_view)(await _fresh(draft))
        await self.send_partial(partial, view=view, **context)

    async def send_panel(self, draft: Draft) -> None:
        await self.send_partial_for(draft, "draft-panel")

    async def send_progress(self, draft: Draft, *, writing: str) -> None:
        await self.send_partial_for(draft, "progress", writing=writing)

    async def send_section(self, draft: Draft, key: str) -> None:
        view = await sync_to_async(draft_view)(await _fresh(draft))
        section = next((s for s in view.sections if s.key == key), None)
        if section is not None:
            await self.send_partial("section", view=view, section=section)

    async def send_summary(self, form: SummaryForm, *, drafted: bool = False) -> None:
        context = summary_context(form.template, form)
        await self.send_html(f"{SUMMARIES}#summary-form", drafted=drafted, **context)

    async def send_composer(self, error: services.DraftInputError | None) -> None:
        context = await sync_to_async(composer_context)(self.user, self.client_id)
        await self.send_partial("composer", form_error=error, **context)


def _input_error(message: str, field: str) -> services.DraftInputError:
    return services.DraftInputError(message, field=field)


async def _fresh(draft: Draft) -> Draft:
    return await sync_to_async(
        lambda: Draft.objects.prefetch_related("sections", "risk_flags").get(pk=draft.pk)
    )()
