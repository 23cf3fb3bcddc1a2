"""Lookups as an auditor sees them: personal data masked in every answer.

Auditors read everything, but they check the process, not the person: a phone number shows as
``138******78`` and a name as ``张*``. The access interceptor passes an auditor's answers through
``masked``; operators and services, who act for the customer, get them whole.

Fields are masked by name (``phone``, ``customer_name``, ... as in masking.py); JSON carried in a
string field (a timeline entry, a record) is masked inside; other text is masked by pattern (phone,
ID-card and bank-card numbers, e-mail addresses). The signed canonical JSON of an audit export is
left as it is: its bytes are what the signatures cover, and it holds no contact data.
"""

from __future__ import annotations

import json

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from .masking import mask_fields, mask_value

SIGNED = frozenset({"canonical_json"})
# answers of figures per unit, region or class: no person in them, and a unit's name is not one
UNMASKED_METHODS = frozenset({
    "/complaints.v1.EscalationService/GetBulletin",
    "/complaints.v1.IntakeService/SummariseCases",
    "/complaints.v1.VerificationService/GetRecurrenceRates",
    "/complaints.v1.VerificationService/VerifyChain",
})


def masked(message: Message) -> Message:
    """A copy of ``message`` with personal data masked."""
    copy = type(message)()
    copy.CopyFrom(message)
    _mask(copy)
    return copy


def _mask(message: Message) -> None:
    owner = message.DESCRIPTOR.name.lower()  # Customer.name is a person's name; a unit's name is not
    for field, value in message.ListFields():
        if field.type == FieldDescriptor.TYPE_MESSAGE:
            if field.message_type.GetOptions().map_entry:
                for key in list(value):
                    if isinstance(value[key], str):
                        value[key] = mask_value(key, value[key])
                    elif isinstance(value[key], Message):
                        _mask(value[key])
            elif field.is_repeated:
                for item in value:
                    _mask(item)
            else:
                _mask(value)
        elif field.type == FieldDescriptor.TYPE_STRING and field.name not in SIGNED:
            key = f"{owner}.{field.name}"
            if field.is_repeated:
                value[:] = [_masked_text(key, item) for item in value]
            else:
                setattr(message, field.name, _masked_text(key, value))


def _masked_text(key: str, text: str) -> str:
    name = key.rsplit(".", 1)[-1]
    if name == "json" or name.endswith("_json"):
        try:
            parsed = json.loads(text)
        except ValueError:
            return mask_value(key, text)
        return json.dumps(mask_fields(parsed) if isinstance(parsed, dict) else mask_value(key, parsed),
                          ensure_ascii=False)
    return mask_value(key, text)
