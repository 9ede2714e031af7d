// 首页：已登录的用户直接进入自己的页面（凭据在本标签页的 sessionStorage 里），否则列出各页面。
'use strict';
(() => {
  const pages = [
    ['zhunong.office.token', '/app/office'],
    ['zhunong.live.token', '/app/live'],
    ['zhunong.station.token', '/app/station'],
  ];
  for (const [key, href] of pages) {
    if (sessionStorage.getItem(key)) {
      window.location.replace(href);
      return;
    }
  }
})();
