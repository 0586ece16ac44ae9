"""The portal's generic pages: a form that hands its data to a service, and a question that
deletes through one.

A page is declared, not written: which object its URL names, which form, which service, what to
say and where to go — as NetBox declares its edit and delete pages on ``ObjectEditView`` and
``ObjectDeleteView``, and as the API declares a resource on ``CustomerServiceViewSet``
(``provisioning/api/base.py``):

- the object of the URL's ``pk`` comes through the tenancy chokepoint
  (``provisioning.access.get_for_user``), so a foreign id is the same 404 as an unknown one, and
  only then does the area's rule (:meth:`ObjectView.check_permission`) answer 403;
- the service is called as ``service(<object_kwarg>=object, acting_user=account, data=...)``;
  its ``ApplicationError`` goes beside the field it names through ``portal.refusals``;
- a success says ``success_message`` and redirects; a form with errors answers 400.

An area adds what all its pages share (``portal/system/common.py``: the account's rights to the
customer's system in every context); a page overrides a hook only where it differs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views import View

from portal.refusals import attempt, perform
from provisioning.access import get_for_user
from provisioning.models import Customer

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from provisioning.models import Account

__all__ = [
    "CustomerObjectView",
    "ObjectDeleteView",
    "ObjectEditView",
    "ObjectFormView",
    "ObjectView",
    "delete_through",
]


class ObjectView(View):
    """A signed-in page about the object its URL names (or about nothing, without ``pk``)."""

    queryset: ClassVar[QuerySet[Any] | None] = None
    """The objects the URL's ``pk`` may name, before the chokepoint narrows them."""

    success_url: ClassVar[str] = ""
    """Where a success goes: a URL name; ``get_success_url`` says which arguments it takes."""

    object: Any = None

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Callable[..., HttpResponseBase]:
        return login_required(super().as_view(**initkwargs))

    @property
    def account(self) -> Account:
        return self.request.user  # type: ignore[return-value]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.object = self.get_object()
        self.check_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if self.queryset is None:
            raise NotImplementedError(f"{type(self).__name__} names no queryset")
        return self.queryset.all()

    def get_object(self) -> Any:
        """The URL's object through the chokepoint (404 for a foreign, unknown or malformed
        id); None for a page without ``pk``."""
        if "pk" not in self.kwargs:
            return None
        return get_for_user(self.get_queryset(), self.account, self.kwargs["pk"])

    def check_permission(self) -> None:
        """Raise ``PermissionDenied`` when the account may not use this page (the area's rule
        from its permissions module)."""

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return context


class CustomerObjectView(ObjectView):
    """A page whose URL names a customer or one of the customer's objects (fetched with the
    customer and its reseller); ``customer`` is in every context."""

    customer: Customer

    def get_queryset(self) -> QuerySet[Any]:
        queryset = super().get_queryset()
        if queryset.model is Customer:
            return queryset.select_related("reseller")
        return queryset.select_related("customer__reseller")

    def check_permission(self) -> None:
        obj = self.object
        self.customer = obj if isinstance(obj, Customer) else obj.customer

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return {"customer": self.customer, **super().get_context_data(**context)}


class ObjectFormView(ObjectView):
    """GET shows the form; a valid POST calls ``service`` and redirects with
    ``success_message``; a refusal of the service stands beside its field (400)."""

    template_name: ClassVar[str]
    form_class: ClassVar[type[BaseForm]]
    service: ClassVar[Callable[..., Any]]
    """Declared as ``staticmethod(services.<entity>_<verb>)``."""
    object_kwarg: ClassVar[str | None] = None
    """The keyword that names the URL's object (or its parent, for a new one) in the service
    call; None to pass no object."""
    success_message: ClassVar[_StrOrPromise] = gettext_lazy("Die Änderungen wurden gespeichert.")
    files: ClassVar[bool] = False
    """Whether the form takes an upload."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.handle()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.handle()

    def handle(self) -> HttpResponse:
        form = self.get_form()
        if form.is_bound and form.is_valid():
            result = attempt(form, lambda: self.submit(form), aliases=self.get_aliases(form))
            if result is not None:
                return self.form_done(form, result)
            self.refused(form)
        return self.render_form(form)

    # The form ------------------------------------------------------------------------------

    def get_initial(self) -> dict[str, Any]:
        return {}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"initial": self.get_initial()}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
            if self.files:
                kwargs["files"] = self.request.FILES
        return kwargs

    def get_form(self) -> BaseForm:
        return self.form_class(**self.get_form_kwargs())

    def render_form(self, form: BaseForm) -> HttpResponse:
        return render(
            self.request,
            self.template_name,
            self.get_context_data(form=form),
            status=self.form_status(form),
        )

    def form_status(self, form: BaseForm) -> int:
        return 400 if form.errors else 200

    # The service ---------------------------------------------------------------------------

    def service_kwargs(self, form: BaseForm) -> dict[str, Any]:
        """What the service gets besides ``acting_user`` (and the object): by default the
        form's ``service_data()``."""
        return {"data": form.service_data()}  # type: ignore[attr-defined]

    def call_service(self, **kwargs: Any) -> Any:
        if self.object_kwarg is not None:
            kwargs[self.object_kwarg] = self.object
        return self.service(acting_user=self.account, **kwargs)

    def submit(self, form: BaseForm) -> Any:
        """Call the service with the clean form; None when the form found more errors while
        preparing the data."""
        kwargs = self.service_kwargs(form)
        if form.errors:
            return None
        return self.call_service(**kwargs)

    def get_aliases(self, form: BaseForm) -> Mapping[str, Sequence[str]] | None:
        """The form fields of a service field the form splits up (see ``show_refusal``)."""
        return None

    def refused(self, form: BaseForm) -> None:
        """After a refusal, before the form is shown again (e.g. reload what it changed)."""

    # Success -------------------------------------------------------------------------------

    def form_done(self, form: BaseForm, result: Any) -> HttpResponse:
        """The service accepted: say so and go on."""
        messages.success(self.request, self.get_success_message(result))
        return redirect(self.get_success_url(result))

    def get_success_message(self, result: Any) -> str:
        return str(self.success_message)

    def get_success_url(self, result: Any) -> str:
        return reverse(self.success_url)


class ObjectEditView(ObjectFormView):
    """Add and change one kind of object in one declaration, as NetBox's ``ObjectEditView``:
    routed twice — ``as_view()`` under the object's URL changes it, ``as_view(adding=True)``
    under its parent's URL adds one — calling the service pair the API's
    ``CustomerServiceViewSet`` calls: ``create_service(<parent_kwarg>=parent, acting_user=,
    data=)`` and ``update_service(<instance_kwarg>=object, acting_user=, data=)``. The context
    names the object as the service does, ``instance_kwarg`` (None while adding)."""

    adding: ClassVar[bool] = False
    parent_queryset: ClassVar[QuerySet[Any] | None] = None
    """What the URL's ``pk`` names while adding (the parent, before the chokepoint)."""
    parent_kwarg: ClassVar[str | None] = "customer"
    instance_kwarg: ClassVar[str]
    create_service: ClassVar[Callable[..., Any]]
    update_service: ClassVar[Callable[..., Any]]
    created_message: ClassVar[_StrOrPromise | None] = None
    """What a new object is greeted with; by default ``success_message``."""

    def get_queryset(self) -> QuerySet[Any]:
        if self.adding and self.parent_queryset is not None:
            return self.parent_queryset.all()
        return super().get_queryset()

    @property
    def instance(self) -> Any:
        """The object being changed; None while adding."""
        return None if self.adding else self.object

    def refused(self, form: BaseForm) -> None:
        # The service may have changed the object in memory before it refused.
        if self.instance is not None:
            self.instance.refresh_from_db()

    def call_service(self, **kwargs: Any) -> Any:
        if not self.adding:
            kwargs[self.instance_kwarg] = self.object
            return self.update_service(acting_user=self.account, **kwargs)
        if self.parent_kwarg is not None:
            kwargs[self.parent_kwarg] = self.object
        return self.create_service(acting_user=self.account, **kwargs)

    def get_success_message(self, result: Any) -> str:
        if self.adding and self.created_message is not None:
            return str(self.created_message)
        return super().get_success_message(result)

    def get_context_data(self, **context: Any) -> dict[str, Any]:
        return super().get_context_data(**{self.instance_kwarg: self.instance}, **context)


def delete_through(
    request: HttpRequest,
    delete: Callable[[], Any],
    *,
    done: str,
    success_url: str,
    failure_url: str,
) -> HttpResponse:
    """Run a delete service: ``done`` and ``success_url``, or its refusal as a message and
    ``failure_url``."""
    deleted = perform(request, delete, done)
    return redirect(success_url if deleted else failure_url)


class ObjectDeleteView(ObjectView):
    """GET asks ``question`` on the one confirmation page; POST deletes through ``service`` and
    redirects to ``success_url`` — or, when the service refuses, back to where the question
    came from with its message. ``title``, ``question`` and ``done`` are formatted with
    :meth:`params`."""

    template_name: ClassVar[str] = "portal/confirm_delete.html"
    header_template: ClassVar[str] = ""
    """The area's header above the question (breadcrumb, tabs), or none."""
    nested: ClassVar[bool] = False
    """Whether the header has the page's heading already (the title is then a section's)."""
    service: ClassVar[Callable[..., Any]]
    object_kwarg: ClassVar[str]
    title: ClassVar[_StrOrPromise] = gettext_lazy("„%(name)s“ löschen?")
    question: ClassVar[_StrOrPromise] = ""
    done: ClassVar[_StrOrPromise]
    confirm_label: ClassVar[_StrOrPromise] = gettext_lazy("Endgültig löschen")

    def params(self) -> dict[str, Any]:
        return {"name": self.object}

    def get_success_url(self, result: Any = None) -> str:
        """Where to go once it is deleted (``result`` is what the service returned)."""
        return reverse(self.success_url)

    def get_back_url(self) -> str:
        """Where the question came from: the cancel button, and the way back after a refusal."""
        return self.get_success_url()

    def read_only(self) -> bool:
        """Whether the question is shown with the button disabled."""
        return False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        params = self.params()
        context = self.get_context_data(
            header=self.header_template,
            nested=self.nested,
            title=str(self.title) % params,
            question=str(self.question) % params,
            confirm=self.confirm_label,
            cancel_url=self.get_back_url(),
            read_only=self.read_only(),
        )
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return delete_through(
            request,
            lambda: self.service(**{self.object_kwarg: self.object}, acting_user=self.account),
            done=str(self.done) % self.params(),
            success_url=self.get_success_url(),
            failure_url=self.get_back_url(),
        )
