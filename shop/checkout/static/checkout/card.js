// Card payment with Stripe.js: tokenise the card on "Place order", and run
// 3-D Secure (confirmCardPayment) on the authentication page.
(function () {
  "use strict";
  const keyNode = document.getElementById("stripe-key");
  if (!keyNode || typeof Stripe === "undefined") {
    return;
  }
  const stripe = Stripe(JSON.parse(keyNode.textContent));

  const form = document.querySelector("form[data-card-payment]");
  if (form) {
    const card = stripe.elements().create("card");
    card.mount("#card-element");
    const errors = document.getElementById("card-errors");
    const button = document.getElementById("place-order");
    const tokenInput = document.getElementById("card_token");
    form.addEventListener("submit", async (event) => {
      if (tokenInput.value) {
        return;
      }
      event.preventDefault();
      if (button.disabled) {
        return;  // a second click while the first is running
      }
      button.disabled = true;
      errors.textContent = "";
      const result = await stripe.createToken(card);
      if (result.error) {
        errors.textContent = result.error.message || String(result.error);
        button.disabled = false;
        return;
      }
      tokenInput.value = result.token.id;
      form.submit();
    });
  }

  const secretNode = document.getElementById("stripe-client-secret");
  const completeForm = document.getElementById("card_complete_form");
  if (secretNode && completeForm) {
    const secret = JSON.parse(secretNode.textContent);
    // Whatever the outcome, the server re-reads the intent and decides.
    stripe.confirmCardPayment(secret).finally(() => completeForm.submit());
  }
})();
