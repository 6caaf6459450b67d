"""case record, document versions and signing record

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 04:42:51.003443
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
import cases.models


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain', sa.String(length=20), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events')),
    sa.UniqueConstraint('chain', 'seq', name=op.f('uq_audit_events_chain_seq'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_chain'), ['chain'], unique=False)

    op.create_table('case_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_counters'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('stage', sa.Enum('received', 'rejected', 'accepted', 'invited', 'reinvited', 'respondent_accepted', 'respondent_refused', 'not_launched', 'launch_notice_sent', 'launched', 'triage', 'bilateral_dialogue', 'internal_mediation', 'external_mediation', 'terminated', 'monitoring', 'closed', 'dismissed', name='stage', native_enum=False, length=40), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('region', sa.String(length=200), nullable=False),
    sa.Column('country', sa.String(length=100), nullable=False),
    sa.Column('industry', sa.String(length=200), nullable=False),
    sa.Column('issue_types', sa.JSON(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('channel', sa.Enum('email', 'post', 'in_person', 'portal', name='channel', native_enum=False, length=40), nullable=False),
    sa.Column('reapplication_of_id', sa.Integer(), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('rejected_on', sa.Date(), nullable=True),
    sa.Column('rejection_grounds', sa.Text(), nullable=True),
    sa.Column('respondent_answer_on', sa.Date(), nullable=True),
    sa.Column('respondent_accepts', sa.Boolean(), nullable=True),
    sa.Column('deemed_refusal', sa.Boolean(), nullable=False),
    sa.Column('preliminary_response', sa.Text(), nullable=True),
    sa.Column('launched_on', sa.Date(), nullable=True),
    sa.Column('path', sa.Enum('bilateral_dialogue', 'internal_mediation', 'external_mediation', name='path', native_enum=False, length=40), nullable=True),
    sa.Column('termination_ground', sa.Enum('agreement_signed', 'understanding_without_agreement', 'respondent_unresponsive', 'no_understanding', name='terminationground', native_enum=False, length=40), nullable=True),
    sa.Column('terminated_on', sa.Date(), nullable=True),
    sa.Column('termination_statement', sa.Text(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('public_summary', sa.Text(), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['reapplication_of_id'], ['cases.id'], name=op.f('fk_cases_reapplication_of_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases')),
    sa.UniqueConstraint('number', name=op.f('uq_cases_number')),
    sa.UniqueConstraint('year', 'sequence', name=op.f('uq_cases_year_sequence'))
    )
    op.create_table('support_resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('internal_expert', 'expert', 'fact_finding_body', 'assessment_body', name='resourcekind', native_enum=False, length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('groups', sa.JSON(), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_support_resources'))
    )
    op.create_table('agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('points_in_dispute', sa.Text(), nullable=False),
    sa.Column('stakeholders', sa.Text(), nullable=False),
    sa.Column('standards_and_clauses', sa.Text(), nullable=False),
    sa.Column('process_and_consensus', sa.Text(), nullable=False),
    sa.Column('feedback_plan', sa.Text(), nullable=False),
    sa.Column('disclosure_plan', sa.Text(), nullable=False),
    sa.Column('communication_plan', sa.Text(), nullable=False),
    sa.Column('other_terms', sa.Text(), nullable=False),
    sa.Column('drafted_on', sa.Date(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_agreements_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agreements')),
    sa.UniqueConstraint('case_id', name=op.f('uq_agreements_case_id'))
    )
    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('claim', sa.Text(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_claims_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims'))
    )
    op.create_table('closure_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('points_in_dispute', sa.Text(), nullable=False),
    sa.Column('course_of_process', sa.Text(), nullable=False),
    sa.Column('facts_established', sa.Text(), nullable=False),
    sa.Column('recommendations', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_closure_reports_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_closure_reports')),
    sa.UniqueConstraint('case_id', name=op.f('uq_closure_reports_case_id'))
    )
    op.create_table('confidentiality_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('information', sa.Text(), nullable=False),
    sa.Column('audience', sa.JSON(), nullable=False),
    sa.Column('duration', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('granted', sa.Boolean(), nullable=True),
    sa.Column('decided_information', sa.Text(), nullable=True),
    sa.Column('decided_audience', sa.JSON(), nullable=False),
    sa.Column('decided_duration', sa.String(length=300), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_confidentiality_requests_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confidentiality_requests'))
    )
    op.create_table('deadlines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('trigger_on', sa.Date(), nullable=False),
    sa.Column('original_due_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('provisional', sa.Boolean(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('done', 'lapsed', 'cancelled', name='deadlineoutcome', native_enum=False, length=40), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_deadlines_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadlines'))
    )
    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('addressee_side', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=True),
    sa.Column('addressee', sa.String(length=300), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('channel', sa.Enum('email', 'post', 'in_person', 'portal', name='channel', native_enum=False, length=40), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_deliveries_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries'))
    )
    op.create_table('document_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('edition', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('format', sa.String(length=10), nullable=False),
    sa.Column('revision', sa.Integer(), server_default='0', nullable=False),
    sa.Column('stage', sa.String(length=20), server_default='rendered', nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('verification_code', sa.String(length=20), nullable=False),
    sa.Column('template_sha256', sa.String(length=64), nullable=False),
    sa.Column('context_sha256', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('issued_at', cases.models.UTCDateTime(), nullable=True),
    sa.Column('issued_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_document_versions_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_versions')),
    sa.UniqueConstraint('case_id', 'instrument', 'subject', 'edition', 'version', 'format', 'revision', name=op.f('uq_document_versions_case_id_instrument_subject_edition_version_format_revision'))
    )
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_versions_sha256'), ['sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_document_versions_verification_code'), ['verification_code'], unique=False)

    op.create_table('exhibits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('original_name', sa.String(length=300), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_exhibits_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exhibits'))
    )
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exhibits_sha256'), ['sha256'], unique=False)

    op.create_table('risk_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('person', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('level', sa.Enum('low', 'medium', 'high', name='risklevel', native_enum=False, length=40), nullable=False),
    sa.Column('measures', sa.Text(), nullable=False),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_risk_assessments_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessments'))
    )
    op.create_table('sides',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_sides_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sides')),
    sa.UniqueConstraint('case_id', 'role', name=op.f('uq_sides_case_id_role'))
    )
    op.create_table('signed_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('instrument', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('edition', sa.String(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('verification_code', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('latest_sha256', sa.String(length=64), nullable=False),
    sa.Column('monitoring_slots', sa.Integer(), nullable=False),
    sa.Column('monitoring_used', sa.Integer(), nullable=False),
    sa.Column('continues_sha256', sa.String(length=64), nullable=True),
    sa.Column('sealed_at', cases.models.UTCDateTime(), nullable=False),
    sa.Column('frozen_at', cases.models.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_signed_documents_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signed_documents')),
    sa.UniqueConstraint('case_id', 'instrument', 'subject', 'edition', 'version', name=op.f('uq_signed_documents_case_id_instrument_subject_edition_version'))
    )
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signed_documents_verification_code'), ['verification_code'], unique=False)

    op.create_table('signers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.String(length=80), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('side', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=True),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('certificate_serial', sa.String(length=80), nullable=False),
    sa.Column('enrolled_on', sa.Date(), nullable=False),
    sa.Column('enrolled_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_signers_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signers')),
    sa.UniqueConstraint('person_id', name=op.f('uq_signers_person_id'))
    )
    op.create_table('standards_invoked',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('standard', sa.Enum('ungp', 'ilo_mne', 'oecd_mne', 'oecd_ddg_minerals', 'cn_outbound_mining_csr', 'cn_mineral_ddg', 'cobalt_refinery_dd', 'cobalt_asm_esg', 'other', name='standard', native_enum=False, length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('clauses', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_standards_invoked_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standards_invoked'))
    )
    op.create_table('supplement_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('response_note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_supplement_requests_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supplement_requests'))
    )
    op.create_table('triages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('recommended_on', sa.Date(), nullable=False),
    sa.Column('recommended_path', sa.Enum('bilateral_dialogue', 'internal_mediation', 'external_mediation', name='path', native_enum=False, length=40), nullable=False),
    sa.Column('recommended_tools', sa.JSON(), nullable=False),
    sa.Column('reasoning', sa.Text(), nullable=False),
    sa.Column('agreed_on', sa.Date(), nullable=True),
    sa.Column('agreed_path', sa.Enum('bilateral_dialogue', 'internal_mediation', 'external_mediation', name='path', native_enum=False, length=40), nullable=True),
    sa.Column('agreed_tools', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_triages_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_triages')),
    sa.UniqueConstraint('case_id', name=op.f('uq_triages_case_id'))
    )
    op.create_table('agents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('organisation', sa.String(length=300), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('power_of_attorney_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['power_of_attorney_id'], ['exhibits.id'], name=op.f('fk_agents_power_of_attorney_id_exhibits')),
    sa.ForeignKeyConstraint(['side_id'], ['sides.id'], name=op.f('fk_agents_side_id_sides')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agents'))
    )
    op.create_table('extensions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('previous_due_on', sa.Date(), nullable=False),
    sa.Column('new_due_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_extensions_deadline_id_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extensions'))
    )
    op.create_table('obligations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('obligor', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('obligee', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('indicators', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'delayed', 'fulfilled', name='obligationstatus', native_enum=False, length=40), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['agreements.id'], name=op.f('fk_obligations_agreement_id_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligations'))
    )
    op.create_table('parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.Enum('individual', 'community', 'company_mining', 'company_smelting', 'company_refining', 'company_processing', 'company_manufacturing', 'company_end_user', 'standard_body', 'assessor', 'ngo', 'media', 'public', name='partycategory', native_enum=False, length=40), nullable=False),
    sa.Column('full_name', sa.String(length=300), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('other_info', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['side_id'], ['sides.id'], name=op.f('fk_parties_side_id_sides')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parties'))
    )
    op.create_table('path_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.Enum('bilateral_dialogue', 'internal_mediation', 'external_mediation', name='path', native_enum=False, length=40), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=40), nullable=True),
    sa.Column('requested_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=True),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_path_periods_case_id_cases')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_path_periods_deadline_id_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_periods'))
    )
    op.create_table('signature_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', cases.models.UTCDateTime(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['signed_documents.id'], name=op.f('fk_signature_slots_document_id_signed_documents')),
    sa.ForeignKeyConstraint(['signer_id'], ['signers.id'], name=op.f('fk_signature_slots_signer_id_signers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signature_slots')),
    sa.UniqueConstraint('document_id', 'field', name=op.f('uq_signature_slots_document_id_field'))
    )
    op.create_table('tool_uses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('fact_finding', 'assessment_verification', name='toolkind', native_enum=False, length=40), nullable=False),
    sa.Column('requested_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('industry_wide', sa.Boolean(), nullable=False),
    sa.Column('suspends_mediation', sa.Boolean(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('deadline_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_tool_uses_case_id_cases')),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadlines.id'], name=op.f('fk_tool_uses_deadline_id_deadlines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tool_uses'))
    )
    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('internal_panel', 'external_mediator', 'fact_finding', 'assessment', name='appointmentrole', native_enum=False, length=40), nullable=False),
    sa.Column('requested_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=True),
    sa.Column('applicant_consent', sa.Boolean(), nullable=False),
    sa.Column('respondent_consent', sa.Boolean(), nullable=False),
    sa.Column('appointed_on', sa.Date(), nullable=False),
    sa.Column('tool_use_id', sa.Integer(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_appointments_case_id_cases')),
    sa.ForeignKeyConstraint(['resource_id'], ['support_resources.id'], name=op.f('fk_appointments_resource_id_support_resources')),
    sa.ForeignKeyConstraint(['tool_use_id'], ['tool_uses.id'], name=op.f('fk_appointments_tool_use_id_tool_uses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    op.create_table('monitoring_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('monitor', sa.String(length=200), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'delayed', 'fulfilled', name='obligationstatus', native_enum=False, length=40), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_monitoring_updates_case_id_cases')),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligations.id'], name=op.f('fk_monitoring_updates_obligation_id_obligations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_monitoring_updates'))
    )
    op.create_table('obligee_inquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('asked_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_obligee_inquiries_case_id_cases')),
    sa.ForeignKeyConstraint(['obligation_id'], ['obligations.id'], name=op.f('fk_obligee_inquiries_obligation_id_obligations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_obligee_inquiries'))
    )
    op.create_table('representatives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('side_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('contact', sa.String(length=300), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['parties.id'], name=op.f('fk_representatives_member_id_parties')),
    sa.ForeignKeyConstraint(['side_id'], ['sides.id'], name=op.f('fk_representatives_side_id_sides')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_representatives'))
    )
    op.create_table('objections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('raised_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=False),
    sa.Column('ground', sa.Enum('bad_faith', 'misconduct_or_conflict', 'forged_evidence', 'breach_of_agreement', 'other', name='objectionground', native_enum=False, length=40), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('target_appointment_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('outcome', sa.Enum('upheld', 'partly_upheld', 'dismissed', name='objectionoutcome', native_enum=False, length=40), nullable=True),
    sa.Column('measures', sa.JSON(), nullable=False),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_objections_case_id_cases')),
    sa.ForeignKeyConstraint(['target_appointment_id'], ['appointments.id'], name=op.f('fk_objections_target_appointment_id_appointments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_objections'))
    )
    op.create_table('recusal_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('raised_by', sa.Enum('applicant', 'respondent', name='siderole', native_enum=False, length=40), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('recused', sa.Boolean(), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_recusal_requests_appointment_id_appointments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_recusal_requests_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recusal_requests'))
    )



def downgrade() -> None:

    op.drop_table('recusal_requests')
    op.drop_table('objections')
    op.drop_table('representatives')
    op.drop_table('obligee_inquiries')
    op.drop_table('monitoring_updates')
    op.drop_table('appointments')
    op.drop_table('tool_uses')
    op.drop_table('signature_slots')
    op.drop_table('path_periods')
    op.drop_table('parties')
    op.drop_table('obligations')
    op.drop_table('extensions')
    op.drop_table('agents')
    op.drop_table('triages')
    op.drop_table('supplement_requests')
    op.drop_table('standards_invoked')
    op.drop_table('signers')
    with op.batch_alter_table('signed_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signed_documents_verification_code'))

    op.drop_table('signed_documents')
    op.drop_table('sides')
    op.drop_table('risk_assessments')
    with op.batch_alter_table('exhibits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exhibits_sha256'))

    op.drop_table('exhibits')
    with op.batch_alter_table('document_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_versions_verification_code'))
        batch_op.drop_index(batch_op.f('ix_document_versions_sha256'))

    op.drop_table('document_versions')
    op.drop_table('deliveries')
    op.drop_table('deadlines')
    op.drop_table('confidentiality_requests')
    op.drop_table('closure_reports')
    op.drop_table('claims')
    op.drop_table('agreements')
    op.drop_table('support_resources')
    op.drop_table('cases')
    op.drop_table('case_counters')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_chain'))

    op.drop_table('audit_events')

