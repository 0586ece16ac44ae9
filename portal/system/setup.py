"""The guided set-up of a customer's telephone system (LIC-1, LIC-3, TRK-1, TRK-2)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.system.common import (
    SystemAccess,
    SystemEditView,
    SystemFormView,
    _customer,
    _ensure,
    _site_of,
    _site_rows,
    _sites,
)
from portal.system.forms import (
    BaseLicenseForm,
    NumberBlockForm,
    SiteForm,
    TrunkForm,
)
from portal.system.users import UserEdit
from provisioning import services
from provisioning.access import restrict
from provisioning.models import (
    Customer,
    LicenseType,
    NumberBlock,
    Site,
    Subscriber,
    Trunk,
)
from provisioning.permissions import can_assign_demo_license

if TYPE_CHECKING:
    from provisioning.models import Account

# The guided set-up ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    label: str
    url: str
    done: bool


def setup_steps(customer: Customer) -> list[Step]:
    """The five steps of setting up a telephone system and whether each is complete."""
    sites = Site.objects.filter(customer=customer)
    trunks = Trunk.objects.filter(customer=customer)
    site_count = sites.count()
    trunk_count = trunks.count()
    pk = customer.pk
    done = {
        "license": bool(customer.base_license),
        "sites": site_count > 0,
        "trunks": site_count > 0 and not sites.filter(trunk__isnull=True).exists(),
        "numbers": trunk_count > 0 and not trunks.filter(number_blocks__isnull=True).exists(),
        "users": Subscriber.objects.filter(customer=customer).exists(),
    }
    labels = {
        "license": _("Grundlizenz"),
        "sites": _("Standorte"),
        "trunks": _("SIP-Trunks"),
        "numbers": _("Rufnummern"),
        "users": _("Benutzer"),
    }
    return [
        Step(key, n, labels[key], reverse(f"portal:setup_{key}", args=[pk]), done[key])
        for n, key in enumerate(labels, start=1)
    ]


def _setup_context(access: SystemAccess, current: str) -> dict[str, Any]:
    steps = setup_steps(access.customer)
    index = next(i for i, step in enumerate(steps) if step.key == current)
    return {
        "customer": access.customer,
        "access": access,
        "steps": steps,
        "step": steps[index],
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "previous_step": steps[index - 1] if index > 0 else None,
    }


def _setup_access(request: HttpRequest, pk: Any) -> tuple[Customer, SystemAccess]:
    customer, access = _customer(request, pk)
    _ensure(access.may_setup)
    return customer, access


@login_required
def setup_start(request: HttpRequest, pk: str) -> HttpResponse:
    """The guided set-up begins at the first step that is not complete."""
    customer = _setup_access(request, pk)[0]
    for step in setup_steps(customer):
        if not step.done:
            return redirect(step.url)
    return redirect("portal:setup_users", pk=customer.pk)


class SetupStep(SystemFormView):
    """A step of the guided set-up: the customer's page, the steps around it, and after a
    success the same step again (to add the next one) unless :meth:`get_success_url` says
    otherwise."""

    right = "may_setup"
    step: ClassVar[str]

    def get_queryset(self) -> QuerySet[Customer]:
        return Customer.objects.select_related("reseller")  # every step's URL names the customer

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {**super().get_context_data(**context), **_setup_context(self.access, self.step)}

    def get_success_url(self, result: Any) -> str:
        return reverse(f"portal:setup_{self.step}", args=[self.customer.pk])


class SetupLicense(SetupStep):
    """Step 1: the customer's one base license (LIC-1, LIC-2)."""

    step = "license"
    template_name = "portal/system/setup_license.html"
    form_class = BaseLicenseForm
    service = staticmethod(services.customer_set_base_license)
    object_kwarg = "customer"
    success_message = gettext_lazy("Die Grundlizenz ist gebucht.")

    def get_form_kwargs(self) -> dict[str, Any]:
        # A demo is only ever a customer's first base license, and only staff assign it (LIC-2).
        allow_demo = can_assign_demo_license(self.account) and self.customer.base_license in (
            "",
            "demolizenz",
        )
        return {**super().get_form_kwargs(), "allow_demo": allow_demo}

    def get_initial(self) -> dict[str, Any]:
        return {"license_type": self.customer.base_license or LicenseType.GRUNDLIZENZ}

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {"license_type": form.cleaned_data["license_type"]}

    def get_success_url(self, result: Any) -> str:
        return reverse("portal:setup_sites", args=[self.customer.pk])


class SiteEdit(SystemEditView):
    """A site of the customer (the set-up's step and the site pages of ``views.py``); the
    first is included, each further one books a license (LIC-3)."""

    queryset = Site.objects.all()
    instance_kwarg = "site"
    create_service = staticmethod(services.site_create)
    update_service = staticmethod(services.site_update)
    form_class = SiteForm
    template_name = "portal/system/site_form.html"

    @cached_property
    def needs_extra_license(self) -> bool:
        return self.adding and Site.objects.filter(customer=self.customer).exists()

    def get_form_kwargs(self) -> dict[str, Any]:
        site = self.instance
        return {
            **super().get_form_kwargs(),
            "instance": copy.copy(site) if site else Site(customer=self.customer),
            "needs_extra_license": self.needs_extra_license,
        }

    def get_initial(self) -> dict[str, Any]:
        if not self.adding or self.needs_extra_license:
            return {}
        customer = self.customer  # the first site is usually the customer's own address
        return {
            "name": _("Hauptsitz"),
            "street": customer.street,
            "postal_code": customer.postal_code,
            "city": customer.city,
            "country": customer.country,
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        kwargs = super().service_kwargs(form)
        if self.adding:
            kwargs["extra_site_license"] = form.cleaned_data.get("extra_site_license", False)
        return kwargs

    def get_success_message(self, result: Site) -> str:
        if not self.adding:
            return super().get_success_message(result)
        return _("Der Standort „%(name)s“ ist angelegt.") % {"name": result}

    def get_success_url(self, result: Site) -> str:
        return reverse("portal:site_detail", args=[result.pk])


class SetupSites(SetupStep, SiteEdit):
    """Step 2: the sites."""

    adding = True
    step = "sites"
    template_name = "portal/system/setup_sites.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**context),
            "sites": _site_rows(self.account, self.customer),
        }


class NewTrunk(SystemFormView):
    """The SIP trunk of ``self.site`` (TRK-1), its emergency address from the site (TRK-3)."""

    form_class = TrunkForm
    service = staticmethod(services.trunk_create)
    site: Site

    def get_form_kwargs(self) -> dict[str, Any]:
        site = self.site
        # By id: assigning ``site=`` would cache this unsaved trunk as ``site.trunk``, and the
        # site would look as if it had its trunk already.
        return {
            **super().get_form_kwargs(),
            "instance": Trunk(site_id=site.pk, customer=site.customer),
        }

    def get_initial(self) -> dict[str, Any]:
        site = self.site
        return {
            "emergency_street": site.street,
            "emergency_postal_code": site.postal_code,
            "emergency_city": site.city,
            "emergency_country": site.country,
        }

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        return {
            **super().service_kwargs(form),
            "site": self.site,
            "password": form.cleaned_data["password"],
        }

    def get_success_message(self, result: Trunk) -> str:
        return _("Der SIP-Trunk für „%(site)s“ ist angelegt.") % {"site": self.site}


class SetupTrunks(SetupStep, NewTrunk):
    """Step 3: the SIP trunk of each site; the chosen site, else the first without one."""

    step = "trunks"
    template_name = "portal/system/setup_trunks.html"

    def handle(self) -> HttpResponse:
        user, customer, request = self.account, self.customer, self.request
        self.sites = list(_sites(user, customer).select_related("trunk"))
        chosen_id = request.POST.get("site") or request.GET.get("site")
        site = _site_of(user, customer, chosen_id) if chosen_id else None
        if chosen_id and site is None:
            raise Http404
        if site is None:
            site = next((s for s in self.sites if not _has_trunk(s)), None)
        if site is not None and not _has_trunk(site):
            self.site = site
            return super().handle()
        if request.method == "POST":
            return redirect("portal:setup_trunks", pk=customer.pk)
        return render(request, self.template_name, self.get_context_data(form=None, site=site))

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {
            "site": getattr(self, "site", None),
            **super().get_context_data(**context),
            "sites": [(s, _has_trunk(s)) for s in self.sites],
        }


def _has_trunk(site: Site) -> bool:
    try:
        site.trunk  # noqa: B018 - the reverse one-to-one raises when there is none
    except Trunk.DoesNotExist:
        return False
    return True


def _trunks(user: Account, customer: Customer) -> QuerySet[Trunk]:
    return restrict(Trunk.objects.filter(customer=customer), user).select_related("site")


def _next_trunk(user: Account, customer: Customer, trunks: QuerySet[Trunk]) -> Any:
    """The trunk the next block most likely belongs to: the first without numbers, else the
    one that got the newest block, else the first."""
    trunk = trunks.filter(number_blocks__isnull=True).order_by("site__name", "pk").first()
    if trunk is not None:
        return trunk.pk
    newest = (
        restrict(NumberBlock.objects.filter(customer=customer), user)
        .order_by("-created_at", "-pk")
        .values_list("trunk_id", flat=True)
        .first()
    )
    if newest is not None:
        return newest
    first = trunks.order_by("site__name", "pk").first()
    return first.pk if first else None


class NewBlock(SystemFormView):
    """A number block of a trunk (TRK-2): the trunk comes from :meth:`trunk`."""

    form_class = NumberBlockForm
    service = staticmethod(services.number_block_create)

    def trunk(self, form: BaseForm) -> Trunk:
        raise NotImplementedError

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        data = form.cleaned_data
        return {
            "trunk": self.trunk(form),
            "base_number": data["base_number"],
            "first_extension": data["first_extension"],
            "last_extension": data["last_extension"],
        }

    def get_success_message(self, result: NumberBlock) -> str:
        return _("Der Rufnummernblock %(block)s ist angelegt.") % {"block": result}


class SetupNumbers(SetupStep, NewBlock):
    """Step 4: number blocks of the trunks, the likeliest trunk chosen."""

    step = "numbers"
    template_name = "portal/system/setup_numbers.html"

    @property
    def trunks(self) -> QuerySet[Trunk]:
        return _trunks(self.account, self.customer)

    def trunk(self, form: BaseForm) -> Trunk:
        return form.cleaned_data["trunk"]

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "trunks": self.trunks}

    def get_initial(self) -> dict[str, Any]:
        return {"trunk": _next_trunk(self.account, self.customer, self.trunks)}

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        blocks = restrict(NumberBlock.objects.filter(customer=self.customer), self.account)
        return {
            **super().get_context_data(**context),
            "trunks": self.trunks,
            "blocks": blocks.select_related("trunk__site"),
        }


class SetupUsers(SetupStep, UserEdit):
    """Step 5: the first users, each with a free extension of their site (LIC-4, TRK-2)."""

    adding = True
    step = "users"
    template_name = "portal/system/setup_users.html"

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        users = (
            restrict(Subscriber.objects.filter(customer=self.customer), self.account)
            .select_related("site", "number")
            .order_by("-created_at")[:10]
        )
        return {
            **super().get_context_data(**context),
            "users": users,
            "extensions_url": reverse("portal:user_extensions", args=[self.customer.pk]),
        }


setup_license = SetupLicense.as_view()
setup_sites = SetupSites.as_view()
setup_trunks = SetupTrunks.as_view()
setup_numbers = SetupNumbers.as_view()
setup_users = SetupUsers.as_view()
