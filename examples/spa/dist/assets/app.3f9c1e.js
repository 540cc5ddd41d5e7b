document.getElementById('root').insertAdjacentHTML('beforeend', `<p>Route: ${location.pathname}</p>`);
