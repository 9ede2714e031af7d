// 首页：已登录的用户直接进入自己的页面（本标签页登录过：sessionStorage 里记着用户名和角色），否则列出各页面。
'use strict';
(() => {
  const pages = [
    ['zhunong.office.user', '/app/office'],
    ['zhunong.live.user', '/app/live'],
    ['zhunong.station.user', '/app/station'],
  ];
  for (const [key, href] of pages) {
    if (sessionStorage.getItem(key)) {
      window.location.replace(href);
      return;
    }
  }
})();
