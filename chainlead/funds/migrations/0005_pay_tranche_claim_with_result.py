"""PostgreSQL: `funds_pay_tranche(...)` (migration funds.0004) with the idempotency key's claim
inserted with its result, the payment's id (drawn ahead by the caller), instead of 0 and then
updated at the end: one row version and one statement fewer per payment (issue 10). Nothing else
sees the difference: the claim is visible only when the statement's transaction commits, with
the payment, and a check that fails after it raises CL001 and takes it back, as before (a
concurrent duplicate waits on the key's unique index either way). Same signature, so
`CREATE OR REPLACE`; reversing restores funds.0004's body. A frozen copy: later changes go in a
new migration."""

from importlib import import_module

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION funds_pay_tranche(
    p_tranche bigint, p_amount numeric, p_month date,
    p_key text, p_command text, p_fingerprint text,
    p_actor bigint, p_created_at timestamptz, p_paid_at timestamptz,
    p_disbursement bigint, p_entry bigint, p_memo text,
    a_timestamp timestamptz, a_actor_id bigint, a_actor_label text, a_source text,
    a_remote_addr text, a_request_id text, a_action text, a_event text,
    a_content_type_id bigint, a_object_id text, a_object_repr text, a_before jsonb,
    a_after jsonb, a_message text, a_prev_hash text, a_hash text
) RETURNS TABLE (prepared_by bigint, approved_by bigint)
LANGUAGE plpgsql AS $$
DECLARE
    claim_id bigint := 0;
    c_id bigint;
    c_fund bigint;
    c_debit bigint;
    c_credit bigint;
    t_created_by bigint;
    t_approved_by bigint;
    moved integer;
BEGIN
    IF p_key IS NOT NULL THEN
        INSERT INTO funds_commandrecord (key, command, fingerprint, result_id, actor_id,
                                         created_at)
        VALUES (p_key, p_command, p_fingerprint, p_disbursement, p_actor, p_created_at)
        ON CONFLICT (key) DO NOTHING
        RETURNING id INTO claim_id;
        IF claim_id IS NULL THEN
            RETURN;  -- a retry or a reused key: the general path answers it
        END IF;
    END IF;
    SELECT t.created_by_id, t.approved_by_id, c.id, c.fund_id, c.account_id, c.paid_account_id
    INTO t_created_by, t_approved_by, c_id, c_fund, c_debit, c_credit
    FROM funds_tranche t JOIN funds_commitment c ON c.id = t.commitment_id
    WHERE t.id = p_tranche
      AND t.status = 'approved'
      AND t.amount = p_amount
      AND t.approved_by_id IS NOT NULL AND t.approved_by_id <> t.created_by_id
      AND NOT EXISTS (SELECT 1 FROM funds_disbursement d
                      WHERE d.tranche_id = t.id AND d.status IN ('prepared', 'approved', 'held', 'paid'))
      AND NOT EXISTS (SELECT 1 FROM funds_recipienthold h
                      WHERE h.enterprise_id = c.recipient_id AND h.active)
      AND NOT EXISTS (SELECT 1 FROM funds_period p WHERE p.fund_id = c.fund_id
                      AND p.month = p_month)
    FOR UPDATE OF t;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'declined' USING ERRCODE = 'CL001';
    END IF;
    UPDATE funds_account
    SET debits_posted = debits_posted + CASE WHEN id = c_debit THEN p_amount ELSE 0 END,
        credits_posted = credits_posted + CASE WHEN id = c_credit THEN p_amount ELSE 0 END
    WHERE id IN (c_debit, c_credit)
      AND (id <> c_debit OR credits_posted - debits_posted >= p_amount);
    GET DIAGNOSTICS moved = ROW_COUNT;
    IF moved <> 2 THEN
        RAISE EXCEPTION 'declined' USING ERRCODE = 'CL001';  -- over the commitment's floor
    END IF;
    INSERT INTO funds_disbursement (id, tranche_id, run_id, amount, status, hold_reason,
                                    prepared_by_id, approved_by_id, executed_by_id,
                                    created_at, paid_at)
    VALUES (p_disbursement, p_tranche, NULL, p_amount, 'paid', '', t_created_by,
            t_approved_by, p_actor, p_created_at, p_paid_at);
    INSERT INTO funds_entry (id, fund_id, kind, debit_account_id, credit_account_id, amount,
                             period, memo, commitment_id, disbursement_id, reverses_id,
                             created_by_id, created_at)
    VALUES (p_entry, c_fund, 'disbursement', c_debit, c_credit, p_amount, p_month, p_memo,
            c_id, p_disbursement, NULL, p_actor, p_created_at);
    UPDATE funds_tranche SET status = 'paid' WHERE id = p_tranche;
    INSERT INTO audit_auditentry (timestamp, actor_id, actor_label, source, remote_addr,
                                  request_id, action, event, content_type_id, object_id,
                                  object_repr, before, after, message, prev_hash, hash)
    VALUES (a_timestamp, a_actor_id, a_actor_label, a_source, a_remote_addr, a_request_id,
            a_action, a_event, a_content_type_id, a_object_id, a_object_repr, a_before,
            a_after, a_message, a_prev_hash, a_hash);
    prepared_by := t_created_by;
    approved_by := t_approved_by;
    RETURN NEXT;
END
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        previous = import_module("chainlead.funds.migrations.0004_pay_tranche_function")
        schema_editor.execute(previous.CREATE)


class Migration(migrations.Migration):
    dependencies = [("funds", "0004_pay_tranche_function")]

    operations = [migrations.RunPython(create, restore, elidable=False)]
