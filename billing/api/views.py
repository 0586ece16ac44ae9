"""Billing resources. Lists and objects come through the tenancy chokepoint (ScopedViewSet):
a foreign id answers exactly like an unknown one. Side effects are actions calling services."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from provisioning import access
from provisioning.api.base import ScopedViewSet
from provisioning.api.filters import IdFilterSet
from provisioning.downloads import attachment
from provisioning.errors import ApplicationError
from provisioning.models import Account, Reseller
from provisioning.permissions import ensure, is_reseller_admin

from .. import exports, services
from ..models import (
    PLATFORM,
    BillingRun,
    DocumentType,
    Invoice,
    InvoiceState,
    IssuerProfile,
    PriceList,
)
from ..money import parse_month
from ..permissions import (
    can_edit_platform_issuer,
    can_export,
    can_issue_invoices,
    can_record_charges,
    can_run_billing,
    can_set_issuer_profile,
    can_write_price_lists,
)
from ..problems import described
from ..selectors import invoices_for_export, issuer_profile_of, without_foreign_drafts
from .serializers import (
    BillingRunCreateSerializer,
    BillingRunSerializer,
    CreditNoteCreateSerializer,
    ExportQuerySerializer,
    InvoiceDetailSerializer,
    InvoiceSerializer,
    IssuerProfileSerializer,
    OneTimeChargeSerializer,
    PlatformIssuerProfileInputSerializer,
    PriceListSerializer,
    PriceListUpdateSerializer,
    ResellerDatevInputSerializer,
    ResellerIssuerProfileInputSerializer,
    issuer_profile_data,
)


class PriceListFilter(IdFilterSet):
    class Meta:
        model = PriceList
        fields = ["kind", "reseller"]


class PriceListViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    """Wholesale lists (staff edit, finance reads) and each reseller's retail list (its admin
    edits). Prices are net euros per month (licenses) or per unit (one-time fees)."""

    serializer_class = PriceListSerializer
    filterset_class = PriceListFilter
    ordering_fields = ["valid_from", "name"]

    def base_queryset(self) -> models.QuerySet[PriceList]:
        return PriceList.objects.prefetch_related("prices")

    def may_create(self, account: Any) -> bool:
        return can_write_price_lists(account)

    def perform_create(self, serializer: Any) -> None:
        data = serializer.validated_data
        reseller = data.get("reseller")
        if is_reseller_admin(self.actor) and reseller is None:
            reseller = self.actor.reseller
        serializer.instance = services.price_list_create(
            acting_user=self.actor,
            kind=data["kind"],
            reseller=reseller,
            name=data["name"],
            valid_from=data["valid_from"],
            valid_until=data.get("valid_until"),
            prices=data["prices"],
        )

    @extend_schema(request=PriceListUpdateSerializer, responses=PriceListSerializer)
    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        price_list = self.get_object()
        serializer = PriceListUpdateSerializer(
            data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        updated = services.price_list_update(
            acting_user=self.actor, price_list=price_list, **serializer.validated_data
        )
        updated = self.base_queryset().get(pk=updated.pk)
        return Response(PriceListSerializer(updated, context=self.get_serializer_context()).data)


class BillingRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Monthly billing runs: start one (or preview it with ``dry_run``), poll its progress."""

    serializer_class = BillingRunSerializer
    ordering_fields = ["month", "created_at"]

    def base_queryset(self) -> models.QuerySet[BillingRun]:
        return BillingRun.objects.all()

    def may_create(self, account: Any) -> bool:
        return can_run_billing(account)

    @extend_schema(
        request=BillingRunCreateSerializer,
        responses={202: BillingRunSerializer, 200: OpenApiResponse(description="dry-run preview")},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = BillingRunCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        month = serializer.validated_data["month"]
        if serializer.validated_data["dry_run"]:
            plan = services.billing_preview(month=month, acting_user=self.actor)
            return Response(
                {
                    "month": f"{month:%Y-%m}",
                    "dry_run": True,
                    "invoices": [p.as_dict() for p in plan.invoices],
                    "problems": [described(problem) for problem in plan.problems],
                }
            )
        run, outcome = services.billing_run_start(
            month=month, acting_user=self.actor, issue_invoices=serializer.validated_data["issue"]
        )
        run.refresh_from_db()
        body = {**BillingRunSerializer(run).data, "outcome": str(outcome)}
        return Response(body, status=status.HTTP_202_ACCEPTED)


class InvoiceFilter(IdFilterSet):
    month = django_filters.CharFilter(method="filter_month")
    issuer = django_filters.CharFilter(field_name="issuer_key")
    buyer = django_filters.UUIDFilter(method="filter_buyer")
    state = django_filters.ChoiceFilter(choices=InvoiceState.choices)

    class Meta:
        model = Invoice
        fields = ["kind", "payment_state"]

    def filter_month(self, queryset: Any, name: str, value: str) -> Any:
        try:
            return queryset.filter(month=parse_month(value))
        except ValueError:
            return queryset.none()

    def filter_buyer(self, queryset: Any, name: str, value: Any) -> Any:
        return queryset.filter(Q(buyer_customer_id=value) | Q(buyer_reseller_id=value))


class _DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Shared by invoices and credit notes: lists, details with lines, PDF and XML."""

    document_type: str = DocumentType.INVOICE
    filterset_class = InvoiceFilter
    ordering_fields = ["month", "number", "issued_on"]

    def base_queryset(self) -> models.QuerySet[Invoice]:
        queryset = Invoice.objects.filter(document_type=self.document_type).select_related(
            "corrects"
        )
        if self.action == "list":
            queryset = queryset.defer("pdf", "xml")
        elif self.action == "retrieve":
            queryset = queryset.defer("pdf", "xml").prefetch_related("lines")
        # Drafts are the platform's work in progress; resellers and customers see issued ones.
        return without_foreign_drafts(queryset, self.request.user)

    def get_serializer_class(self) -> Any:
        return InvoiceDetailSerializer if self.action == "retrieve" else InvoiceSerializer

    def _final(self) -> Invoice:
        invoice: Invoice = self.get_object()
        if not invoice.is_final:
            raise ApplicationError("not_issued", "Drafts have no documents yet.", status=409)
        return invoice

    @extend_schema(responses={200: OpenApiResponse(description="PDF/A-3 with embedded e-invoice")})
    @action(detail=True, methods=["get"])
    def pdf(self, request: Request, pk: str | None = None) -> HttpResponse:
        invoice = self._final()
        return attachment(
            bytes(invoice.pdf), filename=f"{invoice.number}.pdf", content_type="application/pdf"
        )

    @extend_schema(responses={200: OpenApiResponse(description="EN 16931 CII XML")})
    @action(detail=True, methods=["get"])
    def xml(self, request: Request, pk: str | None = None) -> HttpResponse:
        invoice = self._final()
        return attachment(
            invoice.xml.encode("utf-8"),
            filename=f"{invoice.number}.xml",
            content_type="application/xml",
        )


class InvoiceViewSet(_DocumentViewSet):
    """Invoices: platform staff and finance see all; a reseller admin the wholesale invoices
    it receives and the retail invoices it issues; a customer admin its own (read-only)."""

    document_type = DocumentType.INVOICE

    @extend_schema(request=None, responses=InvoiceDetailSerializer)
    @action(detail=True, methods=["post"])
    def finalize(self, request: Request, pk: str | None = None) -> Response:
        invoice = self.get_object()
        ensure(can_issue_invoices(self.actor))
        issued = services.invoice_finalize(invoice=invoice, acting_user=self.actor)
        issued = (
            Invoice.objects.prefetch_related("lines").select_related("corrects").get(pk=issued.pk)
        )
        return Response(InvoiceDetailSerializer(issued).data)


class CreditNoteViewSet(mixins.CreateModelMixin, _DocumentViewSet):
    """Credit notes correcting issued invoices; numbered in the issuer's credit-note series."""

    document_type = DocumentType.CREDIT_NOTE

    def may_create(self, account: Any) -> bool:
        return can_issue_invoices(account)

    @extend_schema(request=CreditNoteCreateSerializer, responses={201: InvoiceDetailSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = CreditNoteCreateSerializer(
            data=request.data, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        note = services.credit_note_create(
            invoice=data["invoice"],
            acting_user=self.actor,
            reason=data["reason"],
            positions=data.get("positions"),
        )
        note = Invoice.objects.prefetch_related("lines").select_related("corrects").get(pk=note.pk)
        return Response(InvoiceDetailSerializer(note).data, status=status.HTTP_201_CREATED)


class OneTimeChargeView(APIView):
    """Record a one-time fee for a customer (finance and staff)."""

    @extend_schema(request=OneTimeChargeSerializer, responses={201: OneTimeChargeSerializer})
    def post(self, request: Request) -> Response:
        actor: Account = request.user  # type: ignore[assignment]
        ensure(can_record_charges(actor))
        serializer = OneTimeChargeSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        charge = services.one_time_charge_create(
            acting_user=actor,
            customer=data["customer"],
            item=data["item"],
            quantity=data["quantity"],
            occurred_at=data["occurred_at"],
            description=data["description"],
        )
        return Response({"id": str(charge.pk), **serializer.data}, status=status.HTTP_201_CREATED)


class IssuerProfileViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The invoicing data of an issuer: ``platform`` or a reseller id. A reseller admin reads
    and changes its own reseller's (any other id answers 404, like an unknown one); platform
    finance reads all and changes the resellers'; platform staff change all. A reseller's name,
    address and VAT id are those of its reseller record and cannot be changed here."""

    serializer_class = IssuerProfileSerializer
    lookup_value_regex = r"[^/]+"
    ordering_fields = ["issuer_key", "updated_at"]

    def base_queryset(self) -> models.QuerySet[IssuerProfile]:
        return IssuerProfile.objects.select_related("reseller").order_by("issuer_key")

    def _issuer(self, key: str) -> Reseller | None:
        """The reseller named by ``key`` (None for the platform), or 404 when not visible."""
        if key == PLATFORM:
            if not self.actor.is_platform:
                raise Http404
            return None
        return access.get_for_user(Reseller, self.actor, key)

    def _data(self, reseller: Reseller | None) -> dict[str, Any]:
        key = PLATFORM if reseller is None else str(reseller.pk)
        return issuer_profile_data(reseller, issuer_profile_of(account=self.actor, issuer_key=key))

    @extend_schema(responses=IssuerProfileSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(self._data(self._issuer(pk)))

    @extend_schema(
        request=ResellerIssuerProfileInputSerializer,
        responses=IssuerProfileSerializer,
        description="For ``platform`` the body also takes company_name, street, postal_code, "
        "city, country, vat_id and the DATEV numbers; staff and finance may also send a "
        "reseller's DATEV numbers (changed only when given).",
    )
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        reseller = self._issuer(pk)
        if reseller is None:
            ensure(can_edit_platform_issuer(self.actor))
            # The stored profile fills in what a PATCH leaves out (postcode against country).
            serializer: serializers.Serializer = PlatformIssuerProfileInputSerializer(
                issuer_profile_of(account=self.actor, issuer_key=PLATFORM),
                data=request.data,
                partial=partial,
            )
        else:
            ensure(can_set_issuer_profile(self.actor, reseller))
            # DATEV numbers belong to the platform's exports: staff and finance set them; a
            # reseller admin's body may carry them, but they are not read from it.
            input_class = (
                ResellerDatevInputSerializer
                if self.actor.is_platform
                else ResellerIssuerProfileInputSerializer
            )
            serializer = input_class(data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        services.issuer_profile_set(
            acting_user=self.actor, reseller=reseller, data=dict(serializer.validated_data)
        )
        return Response(self._data(reseller))

    @extend_schema(
        request=ResellerIssuerProfileInputSerializer,
        responses=IssuerProfileSerializer,
        description="Changes only the fields it names (for ``platform`` also the company data).",
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)


class ExportView(APIView):
    """``?month=2026-10&format=datev|csv|zip[&issuer=platform|all|<reseller id>]`` (finance);
    DATEV for all issuers is a ZIP with one batch per issuer."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # ``format`` names the export here, not a response renderer.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[ExportQuerySerializer],
        responses={200: OpenApiResponse(description="DATEV CSV, CSV or ZIP of PDFs")},
    )
    def get(self, request: Request) -> HttpResponse:
        ensure(can_export(request.user))  # type: ignore[arg-type]
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data["month"]
        issuer = query.validated_data["issuer"]
        kind = query.validated_data["format"]
        invoices = invoices_for_export(
            month=month, issuer_key=None if issuer == exports.ALL_ISSUERS else issuer
        )
        body, name, content_type = exports.export_file(
            invoices, month=month, issuer_key=issuer, kind=kind
        )
        return attachment(body, filename=name, content_type=content_type)
