"""Indexes made earlier with other options (an older version's plain create_index, mongoengine's
background flag) do not stop a service from starting: SecantusDB refuses a second index with
the same keys and name, so only missing ones are created."""

from __future__ import annotations

import uuid

import pymongo

from complaint_platform import mongo
from services.dispatch import documents as dispatch_documents
from services.escalation import documents as escalation_documents
from services.intake import documents as intake_documents
from services.verification import documents as verification_documents

ALL = (*intake_documents.ALL, *escalation_documents.DOCUMENTS,
       dispatch_documents.DispatchCaseRecord, dispatch_documents.WorkOrderRecord,
       verification_documents.VerificationRecordDocument, verification_documents.CaseFactDocument)


def test_existing_indexes_made_with_other_options_are_kept_and_the_missing_ones_made(stack):
    client = pymongo.MongoClient(stack.mongodb_uri)
    database = client[f"indexes_{uuid.uuid4().hex[:8]}"]
    try:
        made_before = 0
        for index, document in enumerate(ALL):
            for keys in document.list_indexes():
                if keys == [("_id", 1)]:
                    continue
                options = {"background": False} if index % 2 else {}  # mongoengine's way, or plain
                database[document._get_collection_name()].create_index(keys, **options)
                made_before += 1
                break  # the others are left for ensure_indexes to make
        mongo.ensure_indexes(ALL, database)
        mongo.ensure_indexes(ALL, database)  # and again: nothing to do
        for document in ALL:
            have = {tuple(info["key"]) for info in database[document._get_collection_name()].index_information().values()}
            wanted = {tuple(keys) for keys in document.list_indexes() if keys != [("_id", 1)]}
            assert wanted <= {tuple(map(tuple, key)) for key in have}, document.__name__
        assert made_before > 5
    finally:
        client.drop_database(database.name)
        client.close()
