"""Chart Q&A: answers to a clinician's questions about one client, each claim cited.

Consumers call `copilot.qa.services.ask(...)` and forward its events
(`copilot.qa.types`); history comes from `copilot.qa.selectors.chat_history_for`.
"""
