"""Wholesale accounts: applications, the companies they open, their buyers,
invitations and delivery addresses.

Every change is checked here (who may make it, what state allows it) and
raises `AccountRefused` with the sentence to show; emails go after commit, in
the language of the person who reads them.
"""

import datetime
import secrets
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from shop.shipping.services import SHIPPING_COUNTRIES
from shop.wholesale.models import (
    Application,
    Company,
    CompanyAddress,
    CompanyDetails,
    Currency,
    Invitation,
    Membership,
)

INVITATION_DAYS = 14
MOROCCO = "MA"
# Companies of the European Union are quoted in euros, every other in dirhams.
EU_COUNTRIES = frozenset(code for code, *_names in SHIPPING_COUNTRIES) - {MOROCCO}
# What an application says about the business is what its company starts with.
DETAIL_FIELDS = [field.attname for field in CompanyDetails._meta.fields]


class AccountRefused(Exception):
    """A wholesale account change that is not allowed; says why."""


def _date(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATE_FORMAT")


def _language(code: str) -> str:
    codes = {language for language, _name in settings.LANGUAGES}
    return code if code in codes else settings.LANGUAGE_CODE


def _user_locked(user):
    # Serialises the checks below per person: two submissions or acceptances
    # at once cannot both find "nothing yet".
    return get_user_model().objects.select_for_update().get(pk=user.pk)


def _email_send(*, template: str, context: dict, language: str, to: list[str]):
    with translation.override(language):
        context = {**context, "site": Site.objects.get_current()}
        subject = render_to_string(f"wholesale/emails/{template}_subject.txt", context)
        body = render_to_string(f"wholesale/emails/{template}_body.txt", context)
    EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=to,
        headers={"Content-Language": language},
    ).send()


def _path(name: str, language: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


# Applications


def application_pending_get(*, user) -> Application | None:
    """The user's application still awaiting review, if any."""
    if not user.is_authenticated:
        return None
    return Application.objects.filter(
        applicant=user, status=Application.Status.PENDING
    ).first()


def application_submit(*, applicant, details: dict, language: str) -> Application:
    """Record a business's application; one awaiting review per person."""
    with transaction.atomic():
        _user_locked(applicant)
        membership = (
            Membership.objects.select_related("company").filter(user=applicant).first()
        )
        if membership is not None:
            raise AccountRefused(
                _(
                    "You already buy for %(company)s: one account buys for one "
                    "company only."
                )
                % {"company": membership.company.name}
            )
        pending = application_pending_get(user=applicant)
        if pending is not None:
            raise AccountRefused(
                _(
                    "Your application for %(name)s, sent on %(date)s, is awaiting "
                    "review: you can apply again once it has been answered."
                )
                % {"name": pending.name, "date": _date(pending.created)}
            )
        application = Application(
            applicant=applicant, language=_language(language), **details
        )
        application.full_clean()
        application.save()
        transaction.on_commit(
            partial(_application_email, application=application, what="received")
        )
    return application


def _application_locked(application) -> Application:
    locked = (
        Application.objects.select_for_update()
        .select_related("applicant")
        .get(pk=application.pk)
    )
    if locked.status == Application.Status.APPROVED:
        raise AccountRefused(
            _("This application was already approved on %(date)s: nothing changed.")
            % {"date": _date(locked.reviewed_at)}
        )
    if locked.status == Application.Status.REJECTED:
        raise AccountRefused(
            _("This application was already rejected on %(date)s: nothing changed.")
            % {"date": _date(locked.reviewed_at)}
        )
    return locked


def application_approve(*, application, by) -> Company:
    """Open the company account an application asks for, its applicant as admin.

    EU companies are quoted in euros, the others in dirhams; the company
    reads the office in the language the applicant applied in.
    """
    with transaction.atomic():
        locked = _application_locked(application)
        member = (
            Membership.objects.select_related("company")
            .filter(user_id=locked.applicant_id)
            .first()
        )
        if member is not None:
            raise AccountRefused(
                _(
                    "%(person)s already buys for %(company)s: one account buys for "
                    "one company only. Reject this application or remove them from "
                    "that company first."
                )
                % {
                    "person": locked.applicant.get_full_name() or locked.email,
                    "company": member.company.name,
                }
            )
        details = {name: getattr(locked, name) for name in DETAIL_FIELDS}
        company = Company.objects.create(
            **details,
            currency=(
                Currency.EUR if locked.country_id in EU_COUNTRIES else Currency.MAD
            ),
            language=locked.language,
        )
        Membership.objects.create(company=company, user=locked.applicant, is_admin=True)
        with translation.override(locked.language):
            label = _("Head office")
        CompanyAddress.objects.create(
            company=company,
            label=label,
            line1=locked.address_line1,
            line2=locked.address_line2,
            city=locked.city,
            postcode=locked.postcode,
            country_id=locked.country_id,
            phone=locked.phone,
        )
        locked.status = Application.Status.APPROVED
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.company = company
        locked.save()
        transaction.on_commit(
            partial(_application_email, application=locked, what="approved")
        )
    application.refresh_from_db()
    return company


def application_reject(*, application, reason: str, by) -> Application:
    """Refuse an application; the applicant is told why."""
    reason = reason.strip()
    if not reason:
        raise AccountRefused(
            _("Give the reason for the refusal: the applicant receives it.")
        )
    with transaction.atomic():
        locked = _application_locked(application)
        locked.status = Application.Status.REJECTED
        locked.rejection_reason = reason
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.save()
        transaction.on_commit(
            partial(_application_email, application=locked, what="rejected")
        )
    application.refresh_from_db()
    return application


def _application_email(*, application, what: str) -> None:
    language = application.language
    _email_send(
        template=f"application_{what}",
        context={
            "application": application,
            "home_path": _path("wholesale:home", language),
            "dashboard_path": _path("wholesale:dashboard", language),
            "apply_path": _path("wholesale:apply", language),
        },
        language=language,
        to=[application.applicant.email or application.email],
    )


# Buyers


def _admin_check(*, company, user) -> None:
    if not Membership.objects.filter(
        company=company, user=user, is_admin=True
    ).exists():
        raise AccountRefused(
            _("Only the company's admin manages its buyers and addresses.")
        )


def membership_remove(*, membership, by) -> None:
    """Take a buyer off the company (their account stays a shop account)."""
    with transaction.atomic():
        _admin_check(company=membership.company, user=by)
        if membership.user_id == by.pk:
            raise AccountRefused(
                _("You cannot remove yourself: another admin of the company can.")
            )
        _last_admin_check(membership)
        membership.delete()


def membership_admin_set(*, membership, is_admin: bool, by) -> Membership:
    """Make a buyer an admin of the company, or a buyer only."""
    with transaction.atomic():
        _admin_check(company=membership.company, user=by)
        if not is_admin:
            _last_admin_check(membership)
        membership.is_admin = is_admin
        membership.save(update_fields=["is_admin"])
    return membership


def _last_admin_check(membership) -> None:
    admins = list(
        Membership.objects.select_for_update()
        .filter(company_id=membership.company_id, is_admin=True)
        .values_list("pk", flat=True)
    )
    if admins == [membership.pk]:
        raise AccountRefused(
            _("%(person)s is the company's only admin: make another buyer admin first.")
            % {"person": membership.user.get_full_name() or membership.user.email}
        )


# Invitations


def invitation_expires_at(*, invitation) -> datetime.datetime:
    """When an invitation stops working."""
    return invitation.created + datetime.timedelta(days=INVITATION_DAYS)


def invitations_pending_get(*, company) -> list[Invitation]:
    """The company's invitations not accepted yet, newest first."""
    return list(
        Invitation.objects.filter(company=company, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created")
    )


def invitation_send(*, company, email: str, by) -> Invitation:
    """Invite a colleague to buy for the company, by email.

    A new invitation to the same address replaces one not accepted yet (the
    first email may have been lost).
    """
    email = email.strip().lower()
    with transaction.atomic():
        _admin_check(company=company, user=by)
        member = (
            Membership.objects.select_related("company")
            .filter(user__email__iexact=email)
            .first()
        )
        if member is not None and member.company_id == company.pk:
            raise AccountRefused(
                _("%(email)s is already one of your buyers.") % {"email": email}
            )
        if member is not None:
            raise AccountRefused(
                _(
                    "%(email)s already buys for another company: one account buys "
                    "for one company only."
                )
                % {"email": email}
            )
        Invitation.objects.filter(
            company=company, email__iexact=email, accepted_at__isnull=True
        ).delete()
        invitation = Invitation.objects.create(
            company=company,
            email=email,
            token=secrets.token_urlsafe(32),
            invited_by=by,
        )
        transaction.on_commit(partial(_invitation_email, invitation=invitation))
    return invitation


def _invitation_email(*, invitation) -> None:
    language = invitation.company.language
    _email_send(
        template="invitation",
        context={
            "invitation": invitation,
            "company": invitation.company,
            "inviter": invitation.invited_by,
            "expires_at": invitation_expires_at(invitation=invitation),
            "invitation_path": _path(
                "wholesale:invitation", language, token=invitation.token
            ),
        },
        language=language,
        to=[invitation.email],
    )


def invitation_cancel(*, invitation, by) -> None:
    """Withdraw an invitation nobody has accepted yet."""
    with transaction.atomic():
        _admin_check(company=invitation.company, user=by)
        if invitation.accepted_at is not None:
            raise AccountRefused(
                _("%(email)s has already accepted this invitation.")
                % {"email": invitation.email}
            )
        invitation.delete()


def invitation_check(*, invitation, user=None) -> None:
    """Raise AccountRefused if `user` (anyone, without one) may not accept the
    invitation now."""
    if invitation.accepted_at is not None:
        raise AccountRefused(_("This invitation has already been used."))
    if timezone.now() >= invitation_expires_at(invitation=invitation):
        raise AccountRefused(
            _("This invitation expired on %(date)s: ask %(person)s for a new one.")
            % {
                "date": _date(invitation_expires_at(invitation=invitation)),
                "person": invitation.invited_by.get_full_name()
                or invitation.invited_by.email,
            }
        )
    if not invitation.company.is_active:
        raise AccountRefused(
            _("The wholesale account of %(company)s is closed.")
            % {"company": invitation.company.name}
        )
    if user is None:
        return
    if user.email.strip().lower() != invitation.email.lower():
        raise AccountRefused(
            _(
                "This invitation is for %(email)s, and you are signed in as "
                "%(current)s: sign in with the invited address to accept it."
            )
            % {"email": invitation.email, "current": user.email}
        )
    member = Membership.objects.select_related("company").filter(user=user).first()
    if member is not None and member.company_id != invitation.company_id:
        raise AccountRefused(
            _("You already buy for %(company)s: one account buys for one company only.")
            % {"company": member.company.name}
        )


def invitation_accept(*, invitation, user) -> Membership:
    """Make the invited person a buyer of the company (accepting twice is fine)."""
    with transaction.atomic():
        _user_locked(user)
        locked = (
            Invitation.objects.select_for_update()
            .select_related("company", "invited_by")
            .get(pk=invitation.pk)
        )
        if locked.accepted_by_id == user.pk:
            # A second click: the first one made them a buyer (unless they
            # have been removed since, when the used invitation is refused).
            membership = Membership.objects.filter(
                user=user, company_id=locked.company_id
            ).first()
            if membership is not None:
                return membership
        invitation_check(invitation=locked, user=user)
        membership, _created = Membership.objects.get_or_create(
            user=user, defaults={"company": locked.company, "is_admin": False}
        )
        locked.accepted_by = user
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_by", "accepted_at"])
    return membership


# Companies and their addresses


def company_save(*, company, by) -> Company:
    """Save what office staff changed on a company (terms, credit, details)."""
    company.full_clean()
    company.save()
    return company


def company_address_save(*, company, address, by) -> CompanyAddress:
    """Add or change one of the company's delivery addresses."""
    with transaction.atomic():
        _admin_check(company=company, user=by)
        if address.pk and address.company_id != company.pk:
            raise AccountRefused(_("This address belongs to another company."))
        address.company = company
        address.full_clean()
        address.save()
    return address


def company_address_delete(*, address, by) -> None:
    """Remove one of the company's delivery addresses."""
    with transaction.atomic():
        _admin_check(company=address.company, user=by)
        address.delete()
